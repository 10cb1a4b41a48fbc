using System.Text;
using NotificationService.Bench.Ceilings;

namespace NotificationService.Bench.Providers;

/// <summary>The provider-dispatch rows of the report: each provider's rate beside the claim ceiling, and its keep-alive reuse.</summary>
public static class ProviderReport
{
    public const double TargetPerSec = 3000;

    public static void Rows(StringBuilder sb, IReadOnlyList<ProviderDispatchResult> results, CeilingResults? ceilings)
    {
        foreach (var r in results)
        {
            var allArrived = r.Drained && r.Counts.Accepted == r.Messages && r.Sent == r.Messages;
            Report.Row(sb, $"dispatch through the {r.Provider} loopback fake, {r.Messages:N0} {r.Channel} jobs, Mode=worker (messages/s; load {r.LoadBefore} → {r.LoadAfter})",
                r.Counts.AcceptedPerSec, ceilings?.ClaimDeleteJobsPerSec, "≥ 3,000/s", allArrived && r.Counts.AcceptedPerSec >= TargetPerSec);
            Report.Row(sb, $"{r.Provider}: second half of the messages, warm worker (messages/s)", r.Counts.SecondHalfPerSec, ceilings?.ClaimDeleteJobsPerSec, "", null);
            Report.Row(sb, $"{r.Provider}: CPU per message, worker (µs)", r.WholeDrain.Worker, null, "", null);
            Report.Row(sb, $"{r.Provider}: CPU per message, PostgreSQL (µs)", r.WholeDrain.Postgres, null, "", null);
            Report.Row(sb, $"{r.Provider}: CPU per message, bench process incl. the fake (µs)", r.WholeDrain.Bench, null, "", null);
            Report.Row(sb, $"{r.Provider}: CPU per message, worker, second half (µs)", r.SecondHalf.Worker, null, "", null);
            Report.Row(sb, $"{r.Provider}: TCP connections opened during the drain", r.Counts.Connections, null, "", null, "N0");
            Report.Row(sb, $"{r.Provider}: requests per connection (keep-alive reuse)", r.Counts.RequestsPerConnection, null, "", null, "N0");
        }
    }

    public static void Details(StringBuilder sb, IReadOnlyList<ProviderDispatchResult> results)
    {
        foreach (var r in results)
            sb.AppendLine($"- {r.Provider}: the fake accepted {r.Counts.Accepted:N0} of {r.Counts.Requests:N0} requests ({r.Counts.Rejected:N0} rejected by its wire checks) " +
                          $"over {r.Counts.Connections:N0} TCP connections; {r.Sent:N0} {r.Channel} notifications ended `sent`, {r.Dead:N0} dead jobs" +
                          $"{(r.Drained ? "" : ", DID NOT DRAIN within 10 min")}; worker launch → first request {r.LaunchToFirstRequest.TotalSeconds:0.0} s (not in the rate). " +
                          $"Load average (1, 5, 15 min) {r.LoadBefore} before, {r.LoadAfter} after. Ratio: messages/s ÷ claim-and-delete jobs/s. " +
                          $"CPU per message from the first send on: worker {r.WholeDrain.Worker:N0} µs + PostgreSQL {r.WholeDrain.Postgres:N0} µs + bench/fake {r.WholeDrain.Bench:N0} µs " +
                          $"= {r.WholeDrain.Total:N0} µs, so two otherwise idle cores could do at most {r.WholeDrain.TwoCoreBoundPerSec:N0}/s " +
                          $"(second half: {r.SecondHalf.Worker:N0} + {r.SecondHalf.Postgres:N0} + {r.SecondHalf.Bench:N0} µs, at most {r.SecondHalf.TwoCoreBoundPerSec:N0}/s).");
        if (results.Count > 0)
            sb.AppendLine("- Provider dispatch: emails and SMS were queued through send-batch in Mode=api; each channel was then drained by its own fresh " +
                          "Mode=worker process (`Queue:Queues` = that channel), one after the other, through the real SendGrid and Twilio SMS adapters; " +
                          "then each chat kind's messages (a tenant per kind, held by sendAt until their drain) through the real Slack, Teams and " +
                          "Discord adapters, each kind sent to its fake by `Providers:ChatDoubles` (Slack to a channel per message: it paces per conversation).");
    }

    /// <summary>The SMTP pool must make a burst at least this many times faster than one connection per message.</summary>
    public const double SmtpPoolTarget = 3;

    public static void AdapterRows(StringBuilder sb, AdapterResults r)
    {
        foreach (var s in r.Sends)
        {
            Report.Row(sb, $"{s.Adapter} adapter in-process, {s.Concurrency} senders to the loopback fake (sends/s)", s.PerSec, null, "", null);
            Report.Row(sb, $"{s.Adapter} adapter: bytes allocated per send, adapter + in-process fake", s.AllocatedBytesPerSend, null, "", null, "N0");
        }
        if (r.SmtpPooled is not { } pooled || r.SmtpPerMessage is not { } single) return;
        Report.Row(sb, $"SMTP (MailKit, STARTTLS + AUTH) to loopback aiosmtpd, {pooled.Concurrency} senders, pooled (messages/s)", pooled.PerSec, null, "", null);
        Report.Row(sb, "SMTP: one connection per message (messages/s)", single.PerSec, null, "", null);
        Report.Row(sb, "SMTP: pooled ÷ one connection per message", r.PoolSpeedUp, null, $"≥ {SmtpPoolTarget:0}×",
            pooled.Failed == 0 && single.Failed == 0 && r.PoolSpeedUp >= SmtpPoolTarget, "0.0");
        Report.Row(sb, "SMTP: bytes allocated per send, pooled", pooled.AllocatedBytesPerSend, null, "", null, "N0");
    }

    public static void AdapterDetails(StringBuilder sb, AdapterResults r)
    {
        var all = r.Sends.Concat(new[] { r.SmtpPooled, r.SmtpPerMessage }.OfType<AdapterSendResult>()).ToArray();
        sb.AppendLine("- Provider adapters in-process (the bench calls them as the worker does, through `AddProviderAdapters`): " +
                      string.Join("; ", all.Select(s => $"{s.Adapter} {s.Messages:N0} sends, {s.Failed:N0} not sent")) +
                      ". Allocations are the whole bench process's (the SendGrid and Twilio fakes run in it; aiosmtpd does not), measured after a warm-up." +
                      (r.SmtpSkipped is { } why ? $" SMTP not measured: {why}." : ""));
    }
}
