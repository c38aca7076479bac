using System.Globalization;
using System.Net;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Evaluation.Policies;

/// <summary>
/// The request as far as the evaluator knows it. <c>aws:SourceIp</c> is never a value here: it is the free
/// variable the evaluator solves for. Keys absent from <see cref="Known"/> are unknown (not "absent"), unless
/// listed in <see cref="KnownAbsent"/>.
/// </summary>
public sealed record RequestContext(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Known,
    IReadOnlySet<string> KnownAbsent)
{
    public const string SourceIpKey = "aws:SourceIp";

    public static RequestContext Empty { get; } = Create(new Dictionary<string, IReadOnlyList<string>>(), []);

    public static RequestContext Create(IDictionary<string, IReadOnlyList<string>> known, IEnumerable<string> knownAbsent) => new(
        new Dictionary<string, IReadOnlyList<string>>(known, StringComparer.OrdinalIgnoreCase),
        new HashSet<string>(knownAbsent, StringComparer.OrdinalIgnoreCase));
}

/// <summary>
/// Reduces a statement's Condition block to the set of source addresses for which it holds, following the
/// IAM condition-operator reference: every clause must hold (AND), any value of a clause may match (OR);
/// a missing key fails a positive operator and satisfies a negated one; ...IfExists is true on a missing key;
/// ForAllValues is true on a missing or empty set, ForAnyValue false.
/// </summary>
public static class ConditionEvaluator
{
    public static AddressBounds Evaluate(IReadOnlyList<ConditionClause> clauses, RequestContext context)
    {
        var result = AddressBounds.Always;
        foreach (var clause in clauses) result = result.And(Evaluate(clause, context));
        return result;
    }

    public static AddressBounds Evaluate(ConditionClause clause, RequestContext context)
    {
        if (clause.Operator.Base is not { } op)
            return AddressBounds.Unknown($"{clause.Key} (operator {clause.OperatorText} is not supported)");
        if (clause.Values.Any(Wildcard.HasPolicyVariable))
            return AddressBounds.Unknown($"{clause.Key} (the condition value holds a policy variable)");

        if (string.Equals(clause.Key, RequestContext.SourceIpKey, StringComparison.OrdinalIgnoreCase))
            return SourceIp(clause, op);

        if (context.Known.TryGetValue(clause.Key, out var values))
            return Decided(Holds(clause, op, values));
        if (context.KnownAbsent.Contains(clause.Key))
            return Decided(Holds(clause, op, null));
        return AddressBounds.Unknown(clause.Key);
    }

    /// <summary>aws:SourceIp is present and single-valued in every request this evaluator reasons about.</summary>
    private static AddressBounds SourceIp(ConditionClause clause, BaseOperator op)
    {
        switch (op)
        {
            case BaseOperator.IpAddress:
            case BaseOperator.NotIpAddress:
                var listed = CidrSet.Of(clause.Values.Select(v => Cidr.TryParse(v, out var cidr) && v.Contains('.') | v.Contains(':')
                    ? cidr
                    : throw new PolicyFormatException($"condition {clause.OperatorText} {clause.Key} has '{v}', which is not an IP address or CIDR")));
                // For addresses, ForAnyValue/ForAllValues over the one value and ...IfExists on a present key change
                // nothing; a request without the key (through a VPC endpoint) follows the missing-key rules.
                var set = op == BaseOperator.IpAddress ? listed : listed.Complement();
                return new AddressBounds(set, set, [], Holds(clause, op, null) == true, Holds(clause, op, null) == true);
            case BaseOperator.Null:
                var present = NullHolds(clause, present: true);
                var absent = NullHolds(clause, present: false);
                return new AddressBounds(present ? CidrSet.Everything : CidrSet.Empty, present ? CidrSet.Everything : CidrSet.Empty, [], absent, absent);
            default:
                return AddressBounds.Unknown($"{clause.Key} (compared with {clause.OperatorText}, which is not an address operator)");
        }
    }

    private static AddressBounds Decided(bool? holds) => holds switch
    {
        true => AddressBounds.Always,
        false => AddressBounds.Never,
        null => AddressBounds.Unknown("an unsupported comparison"),
    };

    /// <summary>True/false when decided; null when the values cannot be compared (unparseable number or date).</summary>
    internal static bool? Holds(ConditionClause clause, BaseOperator op, IReadOnlyList<string>? requestValues)
    {
        if (op == BaseOperator.Null) return NullHolds(clause, present: requestValues is { Count: > 0 });
        var (positive, negated) = Positive(op);
        var qualifier = clause.Operator.Qualifier;
        if (requestValues is null || requestValues.Count == 0)
        {
            if (clause.Operator.IfExists) return true;
            return qualifier switch
            {
                SetQualifier.ForAllValues => true,
                SetQualifier.ForAnyValue => false,
                _ => negated,
            };
        }

        bool? Test(string value)
        {
            bool? anyMatch = false;
            foreach (var policyValue in clause.Values)
            {
                var match = Compare(positive, value, policyValue);
                if (match is null) anyMatch = null;
                else if (match.Value) return !negated;
            }

            return anyMatch is null ? null : negated;
        }

        var results = requestValues.Select(Test).ToList();
        if (results.Any(r => r is null)) return null;
        return qualifier == SetQualifier.ForAllValues ? results.All(r => r!.Value) : results.Any(r => r!.Value);
    }

    private static bool NullHolds(ConditionClause clause, bool present)
    {
        var wanted = clause.Values.Select(v => v.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw new PolicyFormatException($"condition Null {clause.Key} has '{v}', which is not true or false"),
        }).ToList();
        // Null:true holds when the key is absent; several values are OR-ed like any other operator.
        return wanted.Any(w => w == !present);
    }

    private static (BaseOperator Positive, bool Negated) Positive(BaseOperator op) => op switch
    {
        BaseOperator.StringNotEquals => (BaseOperator.StringEquals, true),
        BaseOperator.StringNotEqualsIgnoreCase => (BaseOperator.StringEqualsIgnoreCase, true),
        BaseOperator.StringNotLike => (BaseOperator.StringLike, true),
        BaseOperator.NumericNotEquals => (BaseOperator.NumericEquals, true),
        BaseOperator.DateNotEquals => (BaseOperator.DateEquals, true),
        BaseOperator.NotIpAddress => (BaseOperator.IpAddress, true),
        BaseOperator.ArnNotEquals => (BaseOperator.ArnEquals, true),
        BaseOperator.ArnNotLike => (BaseOperator.ArnLike, true),
        _ => (op, false),
    };

    private static bool? Compare(BaseOperator op, string request, string policy) => op switch
    {
        BaseOperator.StringEquals => string.Equals(request, policy, StringComparison.Ordinal),
        BaseOperator.StringEqualsIgnoreCase => string.Equals(request, policy, StringComparison.OrdinalIgnoreCase),
        BaseOperator.StringLike => Wildcard.Matches(policy, request, ignoreCase: false),
        BaseOperator.Bool => string.Equals(request, policy, StringComparison.OrdinalIgnoreCase),
        BaseOperator.BinaryEquals => string.Equals(request, policy, StringComparison.Ordinal),
        BaseOperator.ArnEquals or BaseOperator.ArnLike => Wildcard.ArnMatches(policy, request),
        BaseOperator.IpAddress => Cidr.TryParse(policy, out var cidr) && IPAddress.TryParse(request, out _) && Cidr.TryParse(request, out var address)
            ? cidr.Contains(address)
            : null,
        >= BaseOperator.NumericEquals and <= BaseOperator.NumericGreaterThanEquals => CompareOrdered<decimal>(op - BaseOperator.NumericEquals,
            decimal.TryParse(request, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) ? r : (decimal?)null,
            decimal.TryParse(policy, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : (decimal?)null),
        >= BaseOperator.DateEquals and <= BaseOperator.DateGreaterThanEquals => CompareOrdered<DateTimeOffset>(op - BaseOperator.DateEquals,
            ParseDate(request), ParseDate(policy)),
        _ => null,
    };

    /// <summary>Offsets follow the enum: Equals, NotEquals, LessThan, LessThanEquals, GreaterThan, GreaterThanEquals.</summary>
    private static bool? CompareOrdered<T>(int offset, T? request, T? policy) where T : struct, IComparable<T>
    {
        if (request is not { } r || policy is not { } p) return null;
        var c = r.CompareTo(p);
        return offset switch
        {
            0 => c == 0,
            1 => c != 0,
            2 => c < 0,
            3 => c <= 0,
            4 => c > 0,
            5 => c >= 0,
            _ => null,
        };
    }

    /// <summary>ISO 8601 or epoch seconds, as the Date operators accept.</summary>
    private static DateTimeOffset? ParseDate(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)) return DateTimeOffset.FromUnixTimeSeconds(epoch);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;
    }
}
