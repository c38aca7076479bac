using System.Reflection;

namespace IsolationChecks.Controls.Catalog;

/// <summary>Every control in the assembly, found by type: adding a control is adding its folder.</summary>
public sealed class ControlCatalog
{
    private ControlCatalog(IReadOnlyList<IControl> controls) => Controls = controls;

    public IReadOnlyList<IControl> Controls { get; }

    public static ControlCatalog Discover(Assembly? assembly = null)
    {
        var controls = (assembly ?? typeof(ControlCatalog).Assembly).GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IControl).IsAssignableFrom(t)
                        && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IControl)Activator.CreateInstance(t)!)
            .OrderBy(c => c.Metadata.Id, ControlIdComparer.Instance)
            .ToList();
        var duplicate = controls.GroupBy(c => c.Metadata.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"control id {duplicate.Key} is declared by more than one type");
        return new ControlCatalog(controls);
    }

    public IControl Get(string id) => Controls.FirstOrDefault(c => c.Metadata.Id == id)
        ?? throw new KeyNotFoundException($"no control with id {id}");
}

/// <summary>Orders "CB-2" before "CB-10".</summary>
public sealed class ControlIdComparer : IComparer<string>
{
    public static ControlIdComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        static (string Family, int Number) Split(string? id)
        {
            var dash = id?.LastIndexOf('-') ?? -1;
            return dash > 0 && int.TryParse(id![(dash + 1)..], out var n) ? (id[..dash], n) : (id ?? "", 0);
        }

        var (fx, nx) = Split(x);
        var (fy, ny) = Split(y);
        var byFamily = string.CompareOrdinal(fx, fy);
        return byFamily != 0 ? byFamily : nx.CompareTo(ny);
    }
}
