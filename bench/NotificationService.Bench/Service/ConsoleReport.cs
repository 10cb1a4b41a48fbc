using System.Globalization;
using System.Text;
using NotificationService.Bench.Ceilings;

namespace NotificationService.Bench.Service;

/// <summary>The console section of the report (issue 15, Speed).</summary>
public static class ConsoleReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Append(StringBuilder sb, ConsoleBenchResult c, CeilingResults? ceilings)
    {
        sb.AppendLine();
        sb.AppendLine($"## Console pages over {c.Notifications:N0} notifications (issue 15)");
        sb.AppendLine();
        sb.AppendLine($"One signed-in client, one request at a time, {c.Requests} GETs per page after 3 unrecorded ones; server time is the page's " +
                      "`Server-Timing` (handler and rendering up to the first byte; the session check before it is not in it), client time is " +
                      $"loopback request → last byte. Seeding took {c.SeedSeconds:N0} s. Load average when the pages were done: {c.Load.ToString("0.00", Inv)}.");
        sb.AppendLine();
        sb.AppendLine("| page | server p50 (ms) | server p95 (ms) | client p95 (ms) | target server p95 | met |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var p in c.Pages)
            sb.AppendLine($"| {p.Page} | {F(p.ServerMs.P50)} | {F(p.ServerMs.At(95))} | {F(p.ClientMs.At(95))} | ≤ 50 ms | {(p.ServerMs.At(95) <= 50 ? "met" : "**not met**")} |");
        sb.AppendLine($"| ceiling: the recipient search statement direct (Npgsql, one at a time) | {F(c.SearchSqlMs.P50)} | {F(c.SearchSqlMs.At(95))} | | | |");
        sb.AppendLine();
        sb.AppendLine($"Without migration 480's indexes (same database, before they were made; {c.WithoutIndexes.FirstOrDefault()?.ServerMs.Count} GETs each):");
        sb.AppendLine();
        sb.AppendLine("| page | server p50 (ms) | server p95 (ms) |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var p in c.WithoutIndexes) sb.AppendLine($"| {p.Page} | {F(p.ServerMs.P50)} | {F(p.ServerMs.At(95))} |");
        sb.AppendLine();
        var a = c.AcceptCost;
        var ceiling = ceilings?.SingleInsertCommitsPerSec;
        sb.AppendLine($"Accept with and without those indexes (two fresh databases, two Mode=api services, {BenchOptions.AcceptClients} clients closed loop, " +
                      $"email sends; rounds alternate): with {a.MedianWith:N0}/s, without {a.MedianWithout:N0}/s (medians), with ÷ without = **{a.Ratio.ToString("0.00", Inv)}**" +
                      (ceiling is { } ce ? $"; ÷ the single-row commit ceiling of this run ({ce:N0}/s): {(a.MedianWith / ce).ToString("0.00", Inv)} with, {(a.MedianWithout / ce).ToString("0.00", Inv)} without." : "."));
        sb.AppendLine($"CPU per accepted send (medians; the warm-up sends before each round are in the CPU but not the count, alike on both sides): PostgreSQL " +
                      $"{a.MedianPostgresMicros("with"):N0} µs with, {a.MedianPostgresMicros("without"):N0} µs without " +
                      $"(with ÷ without **{(a.MedianPostgresMicros("with") / a.MedianPostgresMicros("without")).ToString("0.00", Inv)}**); service " +
                      $"{a.MedianServiceMicros("with"):N0} µs with, {a.MedianServiceMicros("without"):N0} µs without.");
        sb.AppendLine("Rounds in the order run: " + string.Join(", ", a.Rounds.Select(r =>
            $"{r.Side} {r.Result.AcceptedPerSec:N0}/s (p99 {r.Result.LatencyMs.P99:N0} ms, {r.Result.Errors} errors, PostgreSQL {r.PostgresMicros:N0} µs/send, " +
            $"service {r.ServiceMicros:N0} µs/send, load {r.Load.ToString("0.0", Inv)})")) + ".");
    }

    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString(v < 10 ? "0.00" : "0.0", Inv);
}
