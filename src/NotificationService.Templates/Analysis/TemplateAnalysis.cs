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

    public void AddVariable(string path, bool required)
    {
        if (path.Length == 0) return;
        if (seen.Add(path)) variables.Add(path);
        if (required && !path.Contains("[]", StringComparison.Ordinal)) Required.Add(path);
    }
}
