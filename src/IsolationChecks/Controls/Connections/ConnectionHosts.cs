namespace IsolationChecks.Controls.Connections;

public static class ConnectionHostArns
{
    /// <summary>
    /// CodeStar Connections and CodeConnections name the same host under two service prefixes
    /// (arn:aws:codestar-connections:... and arn:aws:codeconnections:...): compare them as one.
    /// </summary>
    public static bool Same(string a, string b) => string.Equals(Normalise(a), Normalise(b), StringComparison.Ordinal);

    private static string Normalise(string arn) => arn.Replace(":codestar-connections:", ":codeconnections:", StringComparison.Ordinal);
}
