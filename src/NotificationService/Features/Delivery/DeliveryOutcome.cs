using NotificationService.Channels;
using NotificationService.Queue;

namespace NotificationService.Features.Delivery;

/// <summary>What one delivery attempt changes: the notification's status and history, and the job's fate.</summary>
public sealed record DeliveryOutcome(
    Guid NotificationId, string? NewStatus, string EventStatus, string? EventDetail, string? Error,
    ProviderDecision? Provider, string? ProviderMessageId, JobResult JobResult)
{
    public static DeliveryOutcome From(Job job, DeliveryRecord n, SendAttempt attempt)
    {
        var provider = attempt.Provider is { } p ? new ProviderDecision(p.Id, p.Kind) : null;
        var lastAttempt = job.Attempt >= job.MaxAttempts;
        DeliveryOutcome outcome = attempt.Result switch
        {
            DeliveryResult.Sent s => new(n.Id, "sent", "sent", attempt.Provider is { } sp ? "via " + SendAttempt.Label(sp) : null, null, provider, s.ProviderMessageId, JobResult.Done),
            DeliveryResult.Permanent e => Failed(n, provider, Describe(e.Code, e.Error), new JobResult.Failed(Describe(e.Code, e.Error))),
            DeliveryResult.Throttled t => Waiting(n, provider, $"throttled, retry in {t.RetryAfter.TotalSeconds:0.#} s: {Describe(t.Code, t.Error)}",
                new JobResult.Throttled(t.RetryAfter, Describe(t.Code, t.Error))),
            DeliveryResult.Transient e when lastAttempt => Failed(n, provider, $"attempts exhausted: {Describe(e.Code, e.Error)}", new JobResult.Retry(Describe(e.Code, e.Error))),
            DeliveryResult.Transient e => Waiting(n, provider, $"attempt {job.Attempt} failed, will retry: {Describe(e.Code, e.Error)}",
                new JobResult.Retry(Describe(e.Code, e.Error), e.RetryAfter)),
            DeliveryResult.ProviderFailure e when lastAttempt => Failed(n, provider, $"attempts exhausted: {Describe(e.Code, e.Error)}", new JobResult.Retry(Describe(e.Code, e.Error))),
            DeliveryResult.ProviderFailure e => Waiting(n, provider, $"every provider failed, will retry: {Describe(e.Code, e.Error)}", new JobResult.Retry(Describe(e.Code, e.Error))),
            _ => throw new InvalidOperationException("unknown delivery result"),
        };
        // Each attempt's history row names the configs it went through (failover, open circuits), not only the last.
        return attempt.Trail is { Count: > 0 } trail && (trail.Count > 1 || attempt.Result is not DeliveryResult.Sent)
            ? outcome with { EventDetail = $"{outcome.EventDetail} [{string.Join("; ", trail)}]" }
            : outcome;
    }

    /// <summary>The recipient is on the tenant's suppression list: no provider call, a terminal status, the job is done.</summary>
    public static DeliveryOutcome Suppressed(DeliveryRecord n, string reason) =>
        new(n.Id, "suppressed", "suppressed", $"recipient suppressed: {reason}", null, null, null, JobResult.Done);

    private static DeliveryOutcome Failed(DeliveryRecord n, ProviderDecision? p, string error, JobResult job) =>
        new(n.Id, "failed", "failed", error, error, p, null, job);

    private static DeliveryOutcome Waiting(DeliveryRecord n, ProviderDecision? p, string detail, JobResult job) =>
        new(n.Id, null, "sending", detail, detail, p, null, job);

    // Errors of our own (render failures) already start with their code: "missing_variables: code", not twice.
    private static string Describe(string? code, string error) =>
        code is null || error.StartsWith(code + ":", StringComparison.Ordinal) ? error : $"{code}: {error}";
}

public sealed record ProviderDecision(Guid Id, string Kind);
