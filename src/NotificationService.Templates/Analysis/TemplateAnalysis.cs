namespace NotificationService.Templates.Analysis;

/// <summary>What static analysis learned about a template and everything it includes.</summary>
internal sealed class TemplateAnalysis
{
    private readonly List<string> variables = [];
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    public List<TemplateError> Errors { get; } = [];
    public IReadOnlyList<string> Variables => variables;
    /// <summary>Variables used outside any condition or loop: rendering without them is an error.</summary>
    public HashSet<string> Required { get; } = new(StringComparer.Ordinal);
    /// <summary>Partials reachable from the parts and layout; only these are compiled.</summary>
    public HashSet<string> PartialsUsed { get; } = new(StringComparer.Ordinal);
    public int PartialExpansions { get; set; }

    /// <summary>Nodes of every source compiled for the template: parts, layout, used partials (each once).</summary>
    public int Nodes { get; private set; }

    /// <summary>Adds a source's nodes; the first source that takes the total past
    /// <see cref="TemplateLimits.MaxNodesPerTemplate"/> gets the error (unless one source already broke its own limit).</summary>
    public void AddNodes(string part, int nodes)
    {
        var before = Nodes;
        Nodes += nodes;
        if (before <= TemplateLimits.MaxNodesPerTemplate && Nodes > TemplateLimits.MaxNodesPerTemplate
            && !Errors.Exists(e => e.Limit == "nodes"))
            Errors.Add(new TemplateError(part, 0, 0,
                $"The template has more than {TemplateLimits.MaxNodesPerTemplate:N0} nodes in its parts, layout and partials together; "
                + $"at most {TemplateLimits.MaxNodesPerTemplate:N0} are allowed.")
            { Limit = "nodes" });
    }

    public void AddVariable(string path, bool required)
    {
        if (path.Length == 0) return;
        if (seen.Add(path)) variables.Add(path);
        if (required && !path.Contains("[]", StringComparison.Ordinal)) Required.Add(path);
    }
}
