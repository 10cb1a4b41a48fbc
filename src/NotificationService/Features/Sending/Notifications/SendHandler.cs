using System.Text.Json;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>Accepts a send: validate, then (with the idempotency key) write notifications and jobs in one transaction.</summary>
public sealed class SendHandler(NotificationLedger ledger, SendValidator validator, NotificationWriter writer, AcceptBatcher batcher,
    ProfileStore profiles, ITopicSendAcceptor topicSends, MonthlyQuotas quotas)
{
    private const int MaxProfileRaces = 3;

    public sealed record Outcome(int StatusCode, string Body, bool Replayed);

    public async Task<Outcome> AcceptAsync(Guid tenantId, SendRequest request, byte[] rawBody, string? idempotencyKey, string statusBaseUrl,
        CancellationToken ct)
    {
        if (request.Recipient?.IsTopicSend == true)
            return await topicSends.AcceptAsync(tenantId, request, rawBody, idempotencyKey, statusBaseUrl, ct);
        var drafts = await validator.ValidateAsync(tenantId, request, ct);
        if (idempotencyKey is null && request.Recipient?.Profile is null)
        {
            var (charged, charge) =
                await quotas.ChargeDraftsAsync(tenantId, drafts, "This send", ct);   // the monthly quota, before the accept
            try { await batcher.WriteAsync(charged); } // shares a transaction with concurrent requests
            catch { await quotas.RefundAsync(charge, CancellationToken.None); throw; }
            return new Outcome(202, ResponseBody(request, charged, statusBaseUrl), Replayed: false);
        }

        // With a key or a profile to merge, in a transaction of its own: the key row, the profile and the notifications
        // commit together (a profile that cannot be written fails this request only, not the requests it would share a
        // group commit with). A merge that raced the profile's creation by another request runs again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AcceptAloneAsync(tenantId, request, drafts, rawBody, idempotencyKey, statusBaseUrl, ct);
            }
            catch (ProfileWriteRaceException) when (attempt < MaxProfileRaces) { }
        }
    }

    private async Task<Outcome> AcceptAloneAsync(Guid tenantId, SendRequest request, IReadOnlyList<NotificationDraft> drafts,
        byte[] rawBody, string? idempotencyKey, string statusBaseUrl, CancellationToken ct)
    {
        await using var tx = await ledger.BeginAsync(ct);
        if (idempotencyKey is not null
            && await IdempotencyStore.ClaimAsync(tx, tenantId, idempotencyKey, rawBody, ct) is IdempotencyClaim.Replay replay)
        {
            await tx.CommitAsync(ct);
            return new Outcome(replay.StatusCode, replay.Body, Replayed: true);
        }
        var (charged, charge) =
            await quotas.ChargeDraftsAsync(tenantId, drafts, "This send", ct);   // after the key: a replay is not charged again
        try { return await WriteAsync(tx, tenantId, request, charged, idempotencyKey, statusBaseUrl, ct); }
        catch { await quotas.RefundAsync(charge, CancellationToken.None); throw; }
    }

    private async Task<Outcome> WriteAsync(LedgerTransaction tx, Guid tenantId, SendRequest request,
        IReadOnlyList<NotificationDraft> drafts, string? idempotencyKey, string statusBaseUrl, CancellationToken ct)
    {
        if (request.Recipient is { Profile: { } patch, UserId: { } userId })
        {
            var written = (await profiles.WriteAsync(tx.Connection, tx.Transaction, tenantId, [ProfileWrite.Of(userId, merge: true, patch)],
                "recipient.profile.", ct))[0];
            if (written.Errors is { } errors) throw new RequestValidationException(errors, written.Blocked ? 409 : 400);
        }

        await writer.InsertAsync(tx, drafts, ct);
        var body = ResponseBody(request, drafts, statusBaseUrl);
        if (idempotencyKey is not null) await IdempotencyStore.SaveResponseAsync(tx, tenantId, idempotencyKey, 202, body, ct);
        await tx.CommitAsync(ct);
        return new Outcome(202, body, Replayed: false);
    }

    private static string ResponseBody(SendRequest request, IReadOnlyList<NotificationDraft> drafts, string statusBaseUrl)
    {
        var accepted = drafts.Select(d => new AcceptedNotification(d.Id, "queued", d.Channel, $"{statusBaseUrl}/{d.Id}")).ToList();
        return request.Channels is null
            ? JsonSerializer.Serialize(accepted[0], JsonBody.Options)
            : JsonSerializer.Serialize(accepted, JsonBody.Options);
    }
}
