namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>A fault bound to a service and (optionally) one operation, with how often it has been applied.</summary>
/// <param name="Operation">Null: every operation of the service.</param>
/// <param name="When">Null: every matching request; else only those whose body it accepts (one role of sts:AssumeRole).</param>
/// <param name="Region">Null: every region; else only requests signed for it (one partition of an account).</param>
public sealed class FaultRule(Fault fault, string service, string? operation, Func<byte[], bool>? When = null, string? Region = null)
{
    private int _applied;

    public Fault Fault { get; } = fault;

    public string Service { get; } = service;

    public string? Operation { get; } = operation;

    /// <summary>How many requests this rule has faulted so far.</summary>
    public int Applied => Volatile.Read(ref _applied);

    public bool Matches(AwsCallIdentity call, byte[] body) =>
        string.Equals(call.Service, Service, StringComparison.OrdinalIgnoreCase)
        && (Operation is null || string.Equals(call.Operation, Operation, StringComparison.Ordinal))
        && (When is null || When(body))
        && (Region is null || string.Equals(call.Region, Region, StringComparison.OrdinalIgnoreCase));

    /// <summary>Takes one use of the rule; false once a limited rule is used up. Safe under concurrent requests.</summary>
    public bool TryClaim()
    {
        while (true)
        {
            var applied = Volatile.Read(ref _applied);
            if (Fault.Times is { } limit && applied >= limit)
                return false;
            if (Interlocked.CompareExchange(ref _applied, applied + 1, applied) == applied)
                return true;
        }
    }

    public override string ToString() => $"{Fault.Kind} on {Service}:{Operation ?? "*"} ({Applied}/{Fault.Times?.ToString() ?? "∞"})";
}

/// <summary>The second half of <c>proxy.Inject(fault).On(service, operation)</c>.</summary>
public sealed class FaultTargeting(FaultProxy proxy, Fault fault)
{
    public FaultRule On(string service, string operation) => proxy.AddRule(new FaultRule(fault, service, operation));

    /// <summary>Only the requests of the operation whose body <paramref name="when"/> accepts (e.g. AssumeRole of one role).</summary>
    public FaultRule On(string service, string operation, Func<byte[], bool> when) => proxy.AddRule(new FaultRule(fault, service, operation, when));

    public FaultRule OnEveryOperationOf(string service) => proxy.AddRule(new FaultRule(fault, service, null));

    /// <summary>Every operation of the service signed for one region: one (account, region, service) partition throttled, the others not.</summary>
    public FaultRule OnEveryOperationOf(string service, string region) => proxy.AddRule(new FaultRule(fault, service, null, Region: region));
}
