using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Evaluation.Policies;

/// <summary>
/// What the evaluator knows about the requests for which something holds (a condition, a statement, a
/// decision): every source address in <see cref="Lower"/> certainly, no address outside <see cref="Upper"/>.
/// Requests that carry no aws:SourceIp at all (AWS omits the key for requests through a VPC endpoint) are one
/// more point of the universe, bounded by <see cref="LowerWithoutSourceIp"/> and <see cref="UpperWithoutSourceIp"/>:
/// an <c>...IfExists</c> or <c>NotIpAddress</c> condition holds there, so such a grant is never mistaken for a
/// narrow one. The bounds are equal when the answer is exact; otherwise <see cref="DependsOn"/> says what the
/// gap depends on (a condition key whose value is unknown, a policy variable, an unsupported operator).
/// </summary>
public sealed record AddressBounds(
    CidrSet Lower,
    CidrSet Upper,
    IReadOnlyList<string> DependsOn,
    bool LowerWithoutSourceIp,
    bool UpperWithoutSourceIp)
{
    public static AddressBounds Always { get; } = Exact(CidrSet.Everything, withoutSourceIp: true);

    public static AddressBounds Never { get; } = Exact(CidrSet.Empty, withoutSourceIp: false);

    public static AddressBounds Exact(CidrSet set, bool withoutSourceIp) => new(set, set, [], withoutSourceIp, withoutSourceIp);

    /// <summary>Anything between "never" and "always": the outcome depends on something the evaluator cannot see.</summary>
    public static AddressBounds Unknown(string dependsOn) => new(CidrSet.Empty, CidrSet.Everything, [dependsOn], false, true);

    public bool IsExact => Lower.Equals(Upper) && LowerWithoutSourceIp == UpperWithoutSourceIp;

    /// <summary>Nothing is certainly allowed: no address, and not a request without aws:SourceIp.</summary>
    public bool LowerIsEmpty => Lower.IsEmpty && !LowerWithoutSourceIp;

    /// <summary>Nothing is possibly allowed.</summary>
    public bool UpperIsEmpty => Upper.IsEmpty && !UpperWithoutSourceIp;

    public AddressBounds And(AddressBounds other) =>
        new(Lower.Intersect(other.Lower), Upper.Intersect(other.Upper), Merge(DependsOn, other.DependsOn),
            LowerWithoutSourceIp && other.LowerWithoutSourceIp, UpperWithoutSourceIp && other.UpperWithoutSourceIp);

    public AddressBounds Or(AddressBounds other) =>
        new(Lower.Union(other.Lower), Upper.Union(other.Upper), Merge(DependsOn, other.DependsOn),
            LowerWithoutSourceIp || other.LowerWithoutSourceIp, UpperWithoutSourceIp || other.UpperWithoutSourceIp);

    /// <summary>This minus <paramref name="other"/>: certainly in this and certainly not in other, or possibly in this and possibly not in other.</summary>
    public AddressBounds Except(AddressBounds other) =>
        new(Lower.Subtract(other.Upper), Upper.Subtract(other.Lower), Merge(DependsOn, other.DependsOn),
            LowerWithoutSourceIp && !other.UpperWithoutSourceIp, UpperWithoutSourceIp && !other.LowerWithoutSourceIp);

    private static IReadOnlyList<string> Merge(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == 0 ? b : b.Count == 0 ? a : a.Concat(b).Distinct(StringComparer.Ordinal).ToList();
}
