using System.Text;

namespace NotificationService.Bench.Webhooks;

/// <summary>The webhook rows and details of the report, each with the load average when it was measured.</summary>
public static class WebhookRows
{
    public static void AppendRows(StringBuilder sb, Report report)
    {
        if (report.WebhooksOut is { } o)
            Report.Row(sb, $"outgoing webhooks, {o.Deliveries:N0} signed deliveries to a loopback receiver, Mode=worker (deliveries/s; load {o.LoadAverage:0.0})",
                o.PerSec, report.Ceilings?.ClaimDeleteJobsPerSec, "≥ 2,000/s", o.Drained && o.BadSignatures == 0 && o.PerSec >= 2000);
        if (report.WebhookInsert is { } w)
        {
            var each = $"100-row statements, {BenchOptions.BatchInsertConnections} connections, {w.Rounds.Count / 2} rounds each, alternating; load {w.LoadAverage:0.0}";
            Report.Row(sb, $"webhook delivery insert before migration 470 (no notification id), {each} (rows/s)", w.Before, report.Ceilings?.BatchInsertRowsPerSec, "", null);
            Report.Row(sb, "webhook delivery insert with notification_id and its partial index (rows/s)", w.After, report.Ceilings?.BatchInsertRowsPerSec, "", null);
            Report.Row(sb, "webhook delivery insert, with ÷ without the notification id", w.Ratio, null, "≥ 0.90", w.Ratio >= 0.90, "0.00");
        }
        if (report.CallbacksIn is { } i)
            Report.Row(sb, $"inbound callbacks, signed SendGrid batches of {i.EventsPerRequest}, {i.Clients} clients, Mode=api (status events applied/s; load {i.LoadAverage:0.0})",
                i.AppliedPerSec, report.Ceilings?.BatchInsertRowsPerSec, "≥ 5,000/s", i.Errors == 0 && i.AppliedPerSec >= 5000);
        if (report.TwilioCallbacksIn is { } t)
            Report.Row(sb, $"inbound callbacks, signed Twilio status callbacks (one event per request), {t.Clients} clients, Mode=api (applied/s; load {t.LoadAverage:0.0})",
                t.AppliedPerSec, report.Ceilings?.SingleInsertCommitsPerSec, "≥ 5,000/s", t.Errors == 0 && t.AppliedPerSec >= 5000);
    }

    public static void AppendDetails(StringBuilder sb, Report report)
    {
        if (report.WebhookInsert is { } w)
            sb.AppendLine($"- Webhook delivery insert: rounds in the order run: {string.Join(", ", w.Rounds.Select(r => $"{r.Arm} {r.RowsPerSec:N0} rows/s"))}. " +
                          "Before = the 5-column statement without the notification index; after = migration 470's column and partial index. Ratio: rows/s ÷ 100-row batch-insert rows/s.");
        if (report.WebhooksOut is { } o)
            sb.AppendLine($"- Outgoing webhooks: {o.Succeeded:N0}/{o.Deliveries:N0} deliveries succeeded in {o.DrainTime.TotalSeconds:0.0} s (first delivery → empty queue){(o.Drained ? "" : ", DID NOT DRAIN within 5 min")}; " +
                          $"the receiver got {o.Received:N0} requests and checked every 10th signature: {o.Verified:N0} verified, {o.BadSignatures:N0} bad" +
                          (o.WarmUp is { } ow ? $"; after a warm-up of {ow.Deliveries:N0} others ({ow.DeliveryTime.TotalSeconds:0.0} s from the worker's launch, {ow.JitSettle.TotalSeconds:0.0} s waiting for the JIT to go idle); the JIT used {ow.JitDuring.TotalSeconds:0.00} s of CPU during the timed ones" : ", from a cold start") +
                          ". Ratio: deliveries/s ÷ claim-and-delete jobs/s.");
        if (report.CallbacksIn is { } i)
            sb.AppendLine($"- Inbound callbacks: {i.Requests:N0} signed requests ({i.Events:N0} `delivered` events) in {i.Elapsed.TotalSeconds:0.0} s, {i.Errors:N0} errors; " +
                          $"{i.Applied:N0} status changes applied (history rows, source provider). Ratio: events/s ÷ 100-row batch-insert rows/s.");
        if (report.TwilioCallbacksIn is { } t)
            sb.AppendLine($"- Twilio callbacks: {t.Requests:N0} signed requests in {t.Elapsed.TotalSeconds:0.0} s, {t.Errors:N0} errors, {t.Applied:N0} applied" +
                          (t.WarmUp is { } tw ? $", after {tw.Requests:N0} others (warm-up in {tw.Rounds} round{(tw.Rounds == 1 ? "" : "s")}, {tw.Elapsed.TotalSeconds:0.0} s, {tw.Applied:N0} applied, {tw.JitSettle.TotalSeconds:0.0} s waiting for the JIT to go idle); the JIT used {tw.JitDuring.TotalSeconds:0.00} s of CPU during the timed ones. " : ", from a cold start. ") +
                          "Each request is one event, so the ratio is to single-row commits/s (concurrent requests share a commit: CallbackBatcher).");
    }
}
