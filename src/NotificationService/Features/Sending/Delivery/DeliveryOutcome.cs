using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>What one delivery attempt changes: the notification (through the ledger) and the job's fate.</summary>
public sealed record DeliveryOutcome(AttemptOutcome Attempt, JobResult JobResult)
{
    public Guid NotificationId => Attempt.Notification.Id;

    public static DeliveryOutcome From(Job job, ClaimedNotification n, SendAttempt attempt)
    {
        var p = attempt.Provider;
        var lastAttempt = job.Attempt >= job.MaxAttempts;
        DeliveryOutcome outcome = attempt.Result switch
        {
            DeliveryResult.Sent s => new(new(n, NotificationStatuses.Sent, NotificationStatuses.Sent,
                p is { } sp ? "via " + SendAttempt.Label(sp) : null, null, p?.Id, p?.Kind, s.ProviderMessageId), JobResult.Done),
            DeliveryResult.Permanent e => Failed(n, p, Describe(e.Code, e.Error), new JobResult.Failed(Describe(e.Code, e.Error))),
            DeliveryResult.Throttled t => Waiting(n, p,
                $"throttled, retry in {t.RetryAfter.TotalSeconds:0.#} s: {Describe(t.Code, t.Error)}",
                new JobResult.Throttled(t.RetryAfter, Describe(t.Code, t.Error))),
            DeliveryResult.Transient e when lastAttempt => Failed(n, p, $"attempts exhausted: {Describe(e.Code, e.Error)}",
                new JobResult.Retry(Describe(e.Code, e.Error))),
            DeliveryResult.Transient e => Waiting(n, p, $"attempt {job.Attempt} failed, will retry: {Describe(e.Code, e.Error)}",
                new JobResult.Retry(Describe(e.Code, e.Error), e.RetryAfter)),
            DeliveryResult.ProviderFailure e when lastAttempt => Failed(n, p, $"attempts exhausted: {Describe(e.Code, e.Error)}",
                new JobResult.Retry(Describe(e.Code, e.Error))),
            DeliveryResult.ProviderFailure e => Waiting(n, p, $"every provider failed, will retry: {Describe(e.Code, e.Error)}",
                new JobResult.Retry(Describe(e.Code, e.Error))),
            _ => throw new InvalidOperationException("unknown delivery result"),
        };
        // Each attempt's history row names the configs it went through (failover, open circuits), not only the last.
        return attempt.Trail is { Count: > 0 } trail && (trail.Count > 1 || attempt.Result is not DeliveryResult.Sent)
            ? outcome with { Attempt = outcome.Attempt with { Detail = $"{outcome.Attempt.Detail} [{string.Join("; ", trail)}]" } }
            : outcome;
    }

    /// <summary>The recipient is on the tenant's suppression list: no provider call, a terminal status, the job is done.</summary>
    public static DeliveryOutcome Suppressed(ClaimedNotification n, string reason) =>
        new(new(n, NotificationStatuses.Suppressed, NotificationStatuses.Suppressed, $"recipient suppressed: {reason}",
            null, null, null, null), JobResult.Done);

    /// <summary>
    /// Nobody to send to (`no_address:&lt;channel&gt;`, `no_device`): a terminal status of its own, not a failure, never
    /// retried. The reason is the history's detail and the last error, which the `notification.skipped` webhook carries.
    /// </summary>
    public static DeliveryOutcome Skipped(ClaimedNotification n, string reason) =>
        new(new(n, NotificationStatuses.Skipped, NotificationStatuses.Skipped, reason, reason, null, null, null), JobResult.Done);

    /// <summary>
    /// The recipient's preferences say no (opted out, or quiet hours drop it): the reason is the history's detail and the
    /// notification's last error, which is what the status API and the `notification.suppressed` webhook carry.
    /// </summary>
    public static DeliveryOutcome OptedOut(ClaimedNotification n, string reason) =>
        new(new(n, NotificationStatuses.Suppressed, NotificationStatuses.Suppressed, reason, reason, null, null, null), JobResult.Done);

    /// <summary>
    /// An in_app notification whose `expiresAt` passed before the worker reached it (a backlog, a scheduled send, a retry):
    /// it would be invisible on arrival, so it ends `expired` and no inbox item, event or counter change is written.
    /// </summary>
    public static DeliveryOutcome Expired(ClaimedNotification n, DateTimeOffset expiresAt)
    {
        var detail = $"expired at {expiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} before it was delivered";
        return new(new(n, NotificationStatuses.Expired, NotificationStatuses.Expired, detail, detail, null, null, null), JobResult.Done);
    }

    /// <summary>
    /// Quiet hours hold it: it stays `sending` (as a throttled send does), its history says until when, and its job is
    /// postponed to that moment without using an attempt. The preferences are checked again then.
    /// </summary>
    public static DeliveryOutcome Held(ClaimedNotification n, DateTimeOffset until, DateTimeOffset now) =>
        new(new(n, null, NotificationStatuses.Sending, $"held by quiet hours until {until.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}",
            null, null, null, null), new JobResult.Throttled(until > now ? until - now : TimeSpan.Zero, "quiet hours"));

    private static DeliveryOutcome Failed(ClaimedNotification n, ProviderConfig? p, string error, JobResult job) =>
        new(new(n, NotificationStatuses.Failed, NotificationStatuses.Failed, error, error, p?.Id, p?.Kind, null), job);

    private static DeliveryOutcome Waiting(ClaimedNotification n, ProviderConfig? p, string detail, JobResult job) =>
        new(new(n, null, NotificationStatuses.Sending, detail, detail, p?.Id, p?.Kind, null), job);

    // Errors of our own (render failures) already start with their code: "missing_variables: code", not twice.
    private static string Describe(string? code, string error) =>
        code is null || error.StartsWith(code + ":", StringComparison.Ordinal) ? error : $"{code}: {error}";
}
