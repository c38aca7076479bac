using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Evaluation.Policies;

/// <summary>
/// What the evaluator knows about the source addresses for which something holds (a condition, a statement,
/// a decision): every address in <see cref="Lower"/> certainly, no address outside <see cref="Upper"/>.
/// The two are equal when the answer is exact; otherwise <see cref="DependsOn"/> says what the gap depends
/// on (a condition key whose value is unknown, a policy variable, an unsupported operator).
/// </summary>
public sealed record AddressBounds(CidrSet Lower, CidrSet Upper, IReadOnlyList<string> DependsOn)
{
    public static AddressBounds Always { get; } = Exact(CidrSet.Everything);

    public static AddressBounds Never { get; } = Exact(CidrSet.Empty);

    public static AddressBounds Exact(CidrSet set) => new(set, set, []);

    /// <summary>Anything between "never" and "always": the outcome depends on something the evaluator cannot see.</summary>
    public static AddressBounds Unknown(string dependsOn) => new(CidrSet.Empty, CidrSet.Everything, [dependsOn]);

    public bool IsExact => Lower.Equals(Upper);

    public AddressBounds And(AddressBounds other) =>
        new(Lower.Intersect(other.Lower), Upper.Intersect(other.Upper), Merge(DependsOn, other.DependsOn));

    public AddressBounds Or(AddressBounds other) =>
        new(Lower.Union(other.Lower), Upper.Union(other.Upper), Merge(DependsOn, other.DependsOn));

    /// <summary>This minus <paramref name="other"/>: certainly in this and certainly not in other, or possibly in this and possibly not in other.</summary>
    public AddressBounds Except(AddressBounds other) =>
        new(Lower.Subtract(other.Upper), Upper.Subtract(other.Lower), Merge(DependsOn, other.DependsOn));

    private static IReadOnlyList<string> Merge(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == 0 ? b : b.Count == 0 ? a : a.Concat(b).Distinct(StringComparer.Ordinal).ToList();
}
