namespace IsolationChecks.Controls.Catalog;

/// <summary>How findings print a list of ids or addresses, so an empty one reads as a word rather than nothing.</summary>
public static class ListText
{
    public static string Joined(IEnumerable<string> items, string whenEmpty) =>
        string.Join(", ", items) is { Length: > 0 } text ? text : whenEmpty;
}
