using System.Globalization;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// A horizontal bar chart the server draws (an inline SVG, no script, nothing the CSP refuses): one row per item, its label
/// on a line of its own (long reasons stay whole at 390 px) and one bar per series beneath, each with its value written
/// beside it, series name included ("p95 861.1 ms"), so neither colour nor length is needed to read it. Every bar of a
/// chart is on one scale; a value above zero is at least <see cref="MinBar"/> wide so it shows.
/// </summary>
public sealed record AnalyticsBars(string Id, string Summary, IReadOnlyList<AnalyticsBars.Row> Rows)
{
    public const int Width = 400, MaxBar = 260, BarHeight = 14, LabelHeight = 18, Gap = 10, MinBar = 2;

    /// <summary>A bar: its series (index for the stroke/fill class), width, top, and the text written beside it.</summary>
    public sealed record Bar(int Series, string Field, double Width, double Y, string Written);

    /// <summary>An item: its key (for specs and tooling), label, the label's baseline and its bars.</summary>
    public sealed record Row(string Key, string Label, double LabelY, IReadOnlyList<Bar> Bars);

    /// <summary>A value of an item in one series: the figure that sets the bar's length and the words written beside it.</summary>
    public sealed record Value(string Field, double Amount, string Written);

    public double Height => Rows.Count == 0 ? 0 : Rows[^1].Bars.Count == 0 ? Rows[^1].LabelY + Gap : Rows[^1].Bars[^1].Y + BarHeight + Gap;

    public string ViewBox => $"0 0 {Width} {Number(Height)}";

    public static AnalyticsBars Of(string id, IReadOnlyList<(string Key, string Label, IReadOnlyList<Value> Values)> items)
    {
        var max = Math.Max(double.Epsilon, items.SelectMany(i => i.Values).Select(v => v.Amount).DefaultIfEmpty(0).Max());
        var rows = new List<Row>();
        var y = 0.0;
        foreach (var (key, label, values) in items)
        {
            var labelY = y + LabelHeight - 4;
            y += LabelHeight;
            var bars = new List<Bar>();
            for (var s = 0; s < values.Count; s++, y += BarHeight + 2)
            {
                var v = values[s];
                var width = v.Amount <= 0 ? 0 : Math.Round(Math.Max(MinBar, MaxBar * v.Amount / max), 1);
                bars.Add(new Bar(s, v.Field, width, y, v.Written));
            }
            rows.Add(new Row(key, label, labelY, bars));
            y += Gap;
        }
        var summary = string.Join("; ", items.Select(i => $"{i.Label}: {string.Join(", ", i.Values.Select(v => v.Written))}"));
        return new AnalyticsBars(id, summary, rows);
    }

    public static string Number(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
