using System.Text.Json;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Notifications;

/// <summary>Accepts a send: validate, then (with the idempotency key) write notifications and jobs in one transaction.</summary>
public sealed class SendHandler(NotificationLedger ledger, SendValidator validator, NotificationWriter writer, AcceptBatcher batcher)
{
    public sealed record Outcome(int StatusCode, string Body, bool Replayed);

    public async Task<Outcome> AcceptAsync(Guid tenantId, SendRequest request, byte[] rawBody, string? idempotencyKey, string statusBaseUrl, CancellationToken ct)
    {
        var drafts = await validator.ValidateAsync(tenantId, request, ct);
        if (idempotencyKey is null)
        {
            await batcher.WriteAsync(drafts); // shares a transaction with concurrent requests
            return new Outcome(202, ResponseBody(request, drafts, statusBaseUrl), Replayed: false);
        }

        // With a key, the key row and the notifications commit together in a transaction of their own.
        await using var tx = await ledger.BeginAsync(ct);
        if (await IdempotencyStore.ClaimAsync(tx, tenantId, idempotencyKey, rawBody, ct) is IdempotencyClaim.Replay replay)
        {
            await tx.CommitAsync(ct);
            return new Outcome(replay.StatusCode, replay.Body, Replayed: true);
        }

        await writer.InsertAsync(tx, drafts, ct);
        var body = ResponseBody(request, drafts, statusBaseUrl);
        await IdempotencyStore.SaveResponseAsync(tx, tenantId, idempotencyKey, 202, body, ct);
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
