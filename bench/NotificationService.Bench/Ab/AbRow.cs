using System.Text.RegularExpressions;

namespace NotificationService.Bench.Ab;

/// <summary>One figure of the report's service table, as a number, so two builds' figures can be set side by side.</summary>
public sealed partial record AbRow(string Name, double Value, double? Ceiling, string Target, string Format)
{
    /// <summary>The name without its numbers: rows name their own rates and load averages, which differ between rounds.</summary>
    public string Key => Digits().Replace(Name, "#");

    [GeneratedRegex(@"[\d][\d,.]*")]
    private static partial Regex Digits();
}
