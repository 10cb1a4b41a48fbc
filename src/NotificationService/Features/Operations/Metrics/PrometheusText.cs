using System.Globalization;
using System.Text;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// Writes collected families in the Prometheus text format 0.0.4 or, when the scraper asks for it, OpenMetrics 1.0.0
/// (counter families named without `_total`, float `le` bounds, `# EOF`).
/// </summary>
public static class PrometheusText
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>OpenMetrics when the Accept header names it (Prometheus sends it first when it prefers it).</summary>
    public static bool WantsOpenMetrics(string? accept) =>
        accept is not null && accept.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase);

    public static string Write(IReadOnlyList<(MetricFamilyInfo Family, IReadOnlyList<(LabelValues Labels, SeriesSnapshot Value)> Series)> families, bool openMetrics)
    {
        var sb = new StringBuilder(4096);
        foreach (var (family, series) in families)
        {
            var name = openMetrics && family.Type == MetricType.Counter ? family.Name[..^"_total".Length] : family.Name;
            sb.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(family.Type.ToString().ToLowerInvariant()).Append('\n');
            foreach (var (labels, value) in series)
            {
                if (family.Type != MetricType.Histogram)
                {
                    Sample(sb, family.Name, family.Labels, labels, null, value.Value, openMetrics);
                    continue;
                }
                long cumulative = 0;
                for (var i = 0; i < family.Buckets!.Length; i++)
                {
                    cumulative += value.Buckets![i];
                    Sample(sb, name + "_bucket", family.Labels, labels, Number(family.Buckets[i], openMetrics), cumulative, openMetrics);
                }
                Sample(sb, name + "_bucket", family.Labels, labels, "+Inf", value.Count, openMetrics);
                Sample(sb, name + "_sum", family.Labels, labels, null, value.Value, openMetrics);
                Sample(sb, name + "_count", family.Labels, labels, null, value.Count, openMetrics);
            }
        }
        if (openMetrics) sb.Append("# EOF\n");
        return sb.ToString();
    }

    private static void Sample(StringBuilder sb, string name, string[] labelNames, LabelValues labels, string? le, double value, bool openMetrics)
    {
        sb.Append(name);
        var first = true;
        for (var i = 0; i < labelNames.Length; i++)
        {
            if (labels[i] is not { } v) continue; // a label the instrument did not report is absent, as in Prometheus
            sb.Append(first ? '{' : ',').Append(labelNames[i]).Append("=\"").Append(EscapeLabel(v)).Append('"');
            first = false;
        }
        if (le is not null) sb.Append(first ? '{' : ',').Append("le=\"").Append(le).Append('"');
        if (!first || le is not null) sb.Append('}');
        sb.Append(' ').Append(Number(value, openMetrics)).Append('\n');
    }

    private static string Number(double v, bool openMetrics)
    {
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        if (double.IsNaN(v)) return "NaN";
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        // OpenMetrics bucket bounds and values are floats; "1" and "1.0" parse alike, but canonical `le` values carry a dot.
        return openMetrics && !s.Contains('.') && !s.Contains('E') ? s + ".0" : s;
    }

    private static string EscapeHelp(string s) => s.Replace("\\", @"\\").Replace("\n", @"\n");

    private static string EscapeLabel(string s) => s.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");
}
