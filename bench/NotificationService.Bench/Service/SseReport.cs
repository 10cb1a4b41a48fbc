using System.Globalization;
using System.Text;

namespace NotificationService.Bench.Service;

/// <summary>The live-stream section of the report (issue 14, Benchmarks).</summary>
public static class SseReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Append(StringBuilder sb, SseBenchResult s)
    {
        var cpuSeconds = s.WindowSeconds;
        sb.AppendLine();
        sb.AppendLine($"## Live stream: {s.Connections:N0} concurrent SSE connections on one Mode=all instance (issue 14)");
        sb.AppendLine();
        sb.AppendLine("| measurement | value | target | met |");
        sb.AppendLine("|---|---:|---|---|");
        sb.AppendLine($"| streams connected (first `counts` event read) / asked | {s.Connected:N0} / {s.Connections:N0} | all | {(s.Connected == s.Connections ? "met" : "**not met**")} |");
        sb.AppendLine($"| time to open them, 64 handshakes at a time (s) | {s.ConnectSeconds:0.0} | | |");
        sb.AppendLine($"| service RSS before → with them open (MiB) | {s.RssBeforeMiB:N0} → {s.RssConnectedMiB:N0} | | |");
        sb.AppendLine($"| memory per connection (KiB, RSS growth ÷ connections) | {s.KiBPerConnection:N1} | | |");
        sb.AppendLine($"| in_app sends, open loop {s.Rate:N0}/s for {s.Duration.TotalSeconds:0} s, each to another user: accepted / errors | {s.Accepted:N0} / {s.SendErrors:N0} | 0 errors | {(s.SendErrors == 0 ? "met" : "**not met**")} |");
        sb.AppendLine($"| accept-to-event latency p50 / p95 (ms) | {F(s.LatencyMs.P50)} / {F(s.LatencyMs.At(95))} | | |");
        sb.AppendLine($"| accept-to-event latency p99 (ms) | {F(s.LatencyMs.P99)} | ≤ 100 ms | {(s.LatencyMs.P99 <= 100 ? "met" : "**not met**")} |");
        if (s.LowRateChainCeilingMs is { } lc && s.LowRateLatencyMs is { } lowLatency)
        {
            sb.AppendLine($"| ceiling: PostgreSQL alone making the same round trips one send at a time (5 commits, a read, LISTEN/NOTIFY, the stream's read; no HTTP), streams open, {s.LowRate:N0}/s: p50 / p95 / p99 (ms) | {F(lc.P50)} / {F(lc.At(95))} / {F(lc.P99)} | | |");
            sb.AppendLine($"| at {s.LowRate:N0}/s, accept-to-event ÷ that ceiling, p50 / p99 | {R(lowLatency.P50, lc.P50)} / {R(lowLatency.P99, lc.P99)} | | |");
        }
        if (s.ChainCeilingMs is { } c)
            sb.AppendLine($"| the same one send at a time at {s.Rate:N0}/s: p50 / p99 (ms); accept-to-event ÷ it, p99 (below 1: batching) | {F(c.P50)} / {F(c.P99)}; {R(s.LatencyMs.P99, c.P99)} | | |");
        sb.AppendLine($"| missed events (accepted, no `notification.created` on the user's stream within 15 s) | {s.Missed:N0} | 0 | {(s.Missed == 0 ? "met" : "**not met**")} |");
        sb.AppendLine($"| stream failures (a stream that ended or errored) | {s.StreamFailures:N0} | 0 | {(s.StreamFailures == 0 ? "met" : "**not met**")} |");
        if (s.LowRateLatencyMs is { } lr)
            sb.AppendLine($"| at a fifth of the rate ({s.LowRate:N0}/s for {s.Duration.TotalSeconds / 2:0} s, run first): accept-to-event p50 / p99 (ms), missed | {F(lr.P50)} / {F(lr.P99)}, {s.LowRateMissed:N0} missed | | |");
        sb.AppendLine($"| send request p50 / p99 (ms) | {F(s.AcceptMs.P50)} / {F(s.AcceptMs.P99)} | | |");
        sb.AppendLine();
        sb.AppendLine($"With the {s.Connected:N0} streams open and nothing sent, over {s.IdleSeconds:0.0} s (one keep-alive period: each stream writes a comment on its tick and reads " +
                      $"its event table then only if the LISTEN connection was lost since its last read): service {s.IdleCpu.Worker.TotalSeconds / s.IdleSeconds:0.00} of a core, PostgreSQL {s.IdleCpu.Postgres.TotalSeconds / s.IdleSeconds:0.00}, " +
                      $"this bench process {s.IdleCpu.Bench.TotalSeconds / s.IdleSeconds:0.00}.");
        sb.AppendLine();
        sb.AppendLine($"CPU over the send window and its grace ({cpuSeconds:0.0} s wall): service {s.Cpu.Worker.TotalSeconds:0.0} s, PostgreSQL {s.Cpu.Postgres.TotalSeconds:0.0} s, " +
                      $"this bench process (the {s.Connections:N0} stream readers and the sender) {s.Cpu.Bench.TotalSeconds:0.0} s, i.e. {s.Cpu.Bench.TotalSeconds / cpuSeconds:0.00} of a core " +
                      $"on a 2-core machine. Load average with the streams open {s.LoadConnected.ToString("0.00", Inv)}, after the sends {s.LoadAfter.ToString("0.00", Inv)}. " +
                      $"Service RSS after the sends {s.RssAfterMiB:N0} MiB. Latency starts when the send request starts and ends when the bench reads the event's data line, " +
                      "so it includes the accept, the queue, the worker's inbox write, the NOTIFY wake-up, the stream's read of its event table, and the client reading it.");
        sb.AppendLine();
        AppendStages(sb, s);
    }

    private static void AppendStages(StringBuilder sb, SseBenchResult s)
    {
        if (s.LowRateStages is { } low) sb.AppendLine($"- {s.LowRate:N0}/s {low.Describe()}.");
        if (s.Stages is { } full) sb.AppendLine($"- {s.Rate:N0}/s {full.Describe()}.");
        if (s.Tail is { } tail) sb.AppendLine($"- {s.Rate:N0}/s: {tail.Describe()}.");
        foreach (var line in s.Profile) sb.AppendLine(line.Replace("per delivered notification", "per in_app send of the full-rate window"));
    }

    private static string R(double a, double b) => b > 0 ? (a / b).ToString("0.00", Inv) : "n/a";

    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0", Inv);
}
