using System.Globalization;
using System.Text;

namespace NotificationService.Bench.Digests;

/// <summary>The digest phase's rows in the report.</summary>
public static class DigestsReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Append(StringBuilder sb, DigestsBenchResult d)
    {
        Report.Row(sb, $"digest: events absorbed/s into their windows ({d.Events:N0} events over {d.Keys:N0} keys, 4 clients, Mode=all; ratio to batch-insert rows/s)",
            d.AbsorbedPerSec, d.BatchInsertCeiling, "≥ 0.2 × ceiling", d.AbsorbRatio >= 0.2);
        Report.Row(sb, $"digest: windows closed into one digest each ({d.Counted:N0} events counted in them)", d.Windows, null, $"= {d.Keys:N0}, every event once",
            d.ExactlyOnePerKey);
        Report.Row(sb, $"digest: window end → its digest's provider call, {d.ClosingWindows:N0} windows ending within {d.ClosingSpread.TotalSeconds:0} s, p99 (ms; p50 {d.EndToCallP50Ms.ToString("0", Inv)}, max {d.EndToCallMaxMs.ToString("0", Inv)}); load: {d.Loads}",
            d.EndToCallP99Ms, null, "≤ 2,000 ms", d.EndToCallP99Ms <= 2000, "0");
    }
}
