using System.Globalization;
using System.Text;
using NotificationService.Bench.Ceilings;

namespace NotificationService.Bench.Service;

/// <summary>Issue 32's figures: a fan-out's rate and accept latency, and live events over open streams.</summary>
public sealed record TopicsBenchResult(TopicFanOutResult? FanOut, TopicEventsResult? Events);

/// <summary>The topics section of the report.</summary>
public static class TopicsReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Append(StringBuilder sb, TopicsBenchResult t, CeilingResults? ceilings)
    {
        sb.AppendLine();
        sb.AppendLine("## Topics and live events (issue 32)");
        sb.AppendLine();
        sb.AppendLine("| measure | value | ceiling | ratio | target | met |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        if (t.FanOut is { } f)
        {
            Report.Row(sb, $"fan-out of a {f.Members:N0}-member topic to in_app, only the fanout queue worked: send → completed in {f.Seconds:N1} s " +
                $"({f.StatusSeconds:N1} s started → finished) (notifications/s)", f.NotificationsPerSec, ceilings?.BatchInsertRowsPerSec,
                "≥ 0.3 × batch insert", ceilings is { } c ? f.NotificationsPerSec / c.BatchInsertRowsPerSec >= 0.3 : null);
            Report.Row(sb, $"topic send accept p99 (ms), {f.Members:N0} members, Mode=api, one client; p50 {F(f.AcceptBigMs.P50)}", f.AcceptBigMs.P99, null, "≤ 50 ms", f.AcceptBigMs.P99 <= 50, "0.0");
            Report.Row(sb, $"topic send accept p99 (ms), 10 members, same run; p50 {F(f.AcceptSmallMs.P50)}", f.AcceptSmallMs.P99, null, "", null, "0.0");
        }
        if (t.Events is { } e)
        {
            Report.Row(sb, $"one live event to a {e.Connected:N0}-member topic, all streams open: publish → read p99 (ms), {e.BigEvents} events, " +
                $"{e.BigMs.Count:N0} reads, {e.BigMissed:N0} missed; p50 {F(e.BigMs.P50)}", e.BigMs.P99, null, "≤ 250 ms", e.BigMs.P99 <= 250 && e.BigMissed == 0, "0.0");
            Report.Row(sb, $"{e.Rate:N0} events/s to 100-member topics, {e.Connected:N0} streams open: publish → read p99 (ms), {e.SmallPublished:N0} events, " +
                $"{e.SmallMs.Count:N0} reads, {e.SmallMissed:N0} missed, {e.PublishErrors} publish errors, {e.StreamFailures} stream failures; p50 {F(e.SmallMs.P50)}",
                e.SmallMs.P99, null, "≤ 100 ms", e.SmallMs.P99 <= 100 && e.SmallMissed == 0, "0.0");
        }
        sb.AppendLine();
        sb.AppendLine("Fan-out ratio: notifications created/s ÷ the 100-row batch-insert ceiling, after one unrecorded fan-out of a quarter of the size, 100 reads of its status " +
                      (t.FanOut is { } fo ? $"and {fo.JitSettle.TotalSeconds.ToString("0.0", Inv)} s until the JIT was idle (the JIT used {fo.JitDuring.TotalSeconds.ToString("0.00", Inv)} s of CPU during the timed fan-out)" : "") +
                      "; members are written directly. Accept latency is measured with no worker running (nothing expands meanwhile).");
        if (t.Events is { BigByEvent.Count: > 0 } big)
            sb.AppendLine().AppendLine((big.BigWarmUp is { Count: > 0 } w ? $"Warm-up big event (the first after the streams connected, not counted): p50 {w.P50.ToString("0", Inv)}, p99 {w.P99.ToString("0", Inv)} ms. " : "") +
                "Each big event's reads, p50 / p99 / slowest (ms): " +
                string.Join("; ", big.BigByEvent.Select((e, i) => $"{i + 1}: {e.P50.ToString("0", Inv)} / {e.P99.ToString("0", Inv)} / {e.Max.ToString("0", Inv)}")) +
                $". CPU per read over the big events (µs, wall time between them included): service {big.BigCpuPerReadUs.Service.ToString("0.0", Inv)}, " +
                $"bench (the readers) {big.BigCpuPerReadUs.Bench.ToString("0.0", Inv)}.");
        if (t.Events is { SmallMaxBySecond.Count: > 0 } ev)
            sb.AppendLine().AppendLine("Slowest read of the small-topic events published in each second of the open loop (ms): " +
                string.Join(", ", ev.SmallMaxBySecond.Select((ms, i) => $"{i + 1}: {(double.IsNaN(ms) ? "none" : ms.ToString("0", Inv))}")) + ".");
    }

    private static string F(double v) => v.ToString("0.0", Inv);
}
