using System.Text;

namespace IsolationChecks.Tests.Reporting;

/// <summary>An RFC 4180 reader for the tests: records end with CRLF, a quoted field may hold commas, quotes (doubled) and line breaks.</summary>
public static class Rfc4180
{
    public static IReadOnlyList<IReadOnlyList<string>> Read(string text)
    {
        var records = new List<IReadOnlyList<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw new FormatException("a quoted field is not closed");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                if (i < text.Length && text[i] != ',' && text[i] != '\r')
                    throw new FormatException($"text after a closing quote at {i}");
                continue;
            }

            switch (text[i])
            {
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    i++;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    records.Add(record);
                    record = [];
                    i += 2;
                    break;
                case '"' or '\r' or '\n':
                    throw new FormatException($"a bare {(int)text[i]} in an unquoted field at {i}");
                default:
                    field.Append(text[i++]);
                    break;
            }
        }

        if (field.Length > 0 || record.Count > 0)
            throw new FormatException("the last record does not end with CRLF");
        return records;
    }

    /// <summary>What a spreadsheet shows of a formula-safe cell: one leading apostrophe removed.</summary>
    public static string Shown(string cell) => cell.StartsWith('\'') ? cell[1..] : cell;
}
