namespace IsolationChecks.Aws.Clients;

/// <summary>The page size a paginated call asks for.</summary>
internal static class PageSizes
{
    /// <summary>
    /// The configured size (never above the largest page the service allows), else that largest page, so a listing
    /// takes ⌈N ÷ largest page⌉ requests rather than ⌈N ÷ the service's default⌉ (ECR and IAM default to 100 of 1,000);
    /// null when neither is known (the service's default then applies).
    /// </summary>
    public static int? For(int? configured, int largestPage) => configured is { } size
        ? Math.Min(size, largestPage)
        : largestPage == int.MaxValue ? null : largestPage;
}
