using System.Text.Json;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Topics;

/// <summary>The 202 answer to a send to topics: the fan-out that will expand it.</summary>
public sealed record FanOutAccepted(Guid Id, string Status, IReadOnlyList<string> Topics, string StatusUrl);

/// <summary>
/// Accepts a send to topics in constant time, whatever the topics' size: the recipient's shape is checked, the send's
/// shared part is validated as a send to one member would be (so a bad template is a 422 now, not a failed fan-out
/// later), the topics must be the tenant's (404 otherwise), and then one transaction writes the fan-out, its `fan_out`
/// job and the Idempotency-Key's answer. The send is charged its topics' member counts to the tenant's recipient budget
/// before that commit (<see cref="RecipientBudget"/>), and its members per channel to the tenant's monthly quotas
/// (<see cref="MonthlyQuotas"/>; held beyond a quota, the whole fan-out waits for the reset): a refusal is a 429 and
/// creates nothing; a replay is not charged again. That charge is settled when the fan-out expands
/// (<see cref="FanOutQuota"/>). The job expands the membership later (<see cref="FanOutJobHandler"/>), when the
/// send is due: a scheduled topic send reaches the members of its topics at its `sendAt`.
/// </summary>
public sealed class FanOutAccept(FanOutDrafts drafts, TopicStore topics, FanOutStore fanOuts, NotificationLedger ledger, JobQueue queue,
    RecipientBudget budget, MonthlyQuotas quotas, TimeProvider clock) : ITopicSendAcceptor
{
    public const string StatusPath = "/fan-outs";

    public async Task<SendHandler.Outcome> AcceptAsync(Guid tenantId, SendRequest request, byte[] rawBody, string? idempotencyKey,
        string statusBaseUrl, CancellationToken ct)
    {
        var keys = CheckRecipient(request.Recipient!);
        // Bulk-sized sends go to the low lane unless the send says otherwise, as CSV jobs do: a topic of a million members
        // must not hold up this tenant's own password resets.
        var definition = request with { Priority = request.Priority ?? "low" };
        await drafts.ValidateAsync(tenantId, definition, request.Locale, ct);
        var members = await topics.RequireAllAsync(tenantId, keys, ct);

        var id = Uuid7.New();
        await using var tx = await ledger.BeginAsync(ct);
        if (idempotencyKey is not null
            && await IdempotencyStore.ClaimAsync(tx, tenantId, idempotencyKey, rawBody, ct) is IdempotencyClaim.Replay replay)
        {
            await tx.CommitAsync(ct);
            return new SendHandler.Outcome(replay.StatusCode, replay.Body, Replayed: true);
        }
        await budget.ChargeAsync(tenantId, members, "This send to topics", ct);   // refused: the transaction rolls back, nothing kept
        var channels = request.Channels ?? [request.Channel!];
        var charge = await quotas.ChargeAsync(tenantId, channels.Distinct().ToDictionary(c => c, _ => (long)members),
            "This send to topics", ct);
        try
        {
            var runAt = request.SendAt is { } at && at > clock.GetUtcNow() ? at : (DateTimeOffset?)null;
            if (charge.Lines.Select(l => l.HeldUntil).Max() is { } heldUntil && !(runAt >= heldUntil))
                (runAt, definition) = (heldUntil, definition with { SendAt = heldUntil });   // held by the quota: the members are
                                                                                             // reached at its reset
            await fanOuts.CreateAsync(tx, tenantId, id, FanOutKind.Send, keys, JsonSerializer.Serialize(definition, JsonBody.Options), ct,
                FanOutQuota.Prepaid(charge));   // settled when it expands: members gained meanwhile are charged then
            var priority = definition.Priority switch { "high" => JobPriority.High, "normal" => JobPriority.Normal, _ => JobPriority.Low };
            await queue.EnqueueAsync(tx.Connection, tx.Transaction,
                [NewJob.For(FanOutJobHandler.QueueName, tenantId, new FanOutJob(id), priority, runAt, maxAttempts: 20)], ct);
            tx.WakeAfterCommit(FanOutJobHandler.QueueName);
            var body = JsonSerializer.Serialize(new FanOutAccepted(id, "pending", keys, $"{statusBaseUrl}{StatusPath}/{id}"),
                JsonBody.Options);
            if (idempotencyKey is not null) await IdempotencyStore.SaveResponseAsync(tx, tenantId, idempotencyKey, 202, body, ct);
            await tx.CommitAsync(ct);
            return new SendHandler.Outcome(202, body, Replayed: false);
        }
        catch
        {
            await quotas.RefundAsync(charge, CancellationToken.None);
            throw;
        }
    }

    /// <summary>A topic send names 1–20 topics and optionally up to 10,000 excluded userIds, and no person or address.</summary>
    private static string[] CheckRecipient(SendRecipient r)
    {
        var errors = new Dictionary<string, string[]>();
        var keys = TopicRules.CheckedTopics(r.Topics, "recipient.topics", errors);
        if (r.UserId is not null || r.Email is not null || r.Phone is not null || r.DeviceTokens is not null || r.Profile is not null)
            errors["recipient"] = ["A send to topics names topics (and excludeUserIds), not a userId, address, device or profile."];
        if (r.ExcludeUserIds is { } excluded)
        {
            if (excluded.Length > TopicRules.MaxExcludedUsers)
                errors["recipient.excludeUserIds"] = [$"At most {TopicRules.MaxExcludedUsers:N0} userIds."];
            else
                for (var i = 0; i < excluded.Length; i++)
                    if (!TopicRules.IsUserId(excluded[i]))
                        errors[$"recipient.excludeUserIds[{i}]"] = ["A userId is 1 to 256 characters, not only spaces."];
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return keys;
    }
}
