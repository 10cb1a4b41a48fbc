using System.Text.Json;
using Npgsql;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Notifications;

/// <summary>Accepts a send: validate, then (with the idempotency key) write notifications and jobs in one transaction.</summary>
public sealed class SendHandler(NpgsqlDataSource db, SendValidator validator, NotificationWriter writer, JobQueue queue, AcceptBatcher batcher)
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
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (idempotencyKey is not null
            && await IdempotencyStore.ClaimAsync(conn, tx, tenantId, idempotencyKey, rawBody, ct) is IdempotencyClaim.Replay replay)
        {
            await tx.CommitAsync(ct);
            return new Outcome(replay.StatusCode, replay.Body, Replayed: true);
        }

        var queues = await writer.InsertAsync(conn, tx, drafts, ct);
        var body = ResponseBody(request, drafts, statusBaseUrl);
        if (idempotencyKey is not null) await IdempotencyStore.SaveResponseAsync(conn, tx, tenantId, idempotencyKey, 202, body, ct);
        await tx.CommitAsync(ct);

        queue.NotifyCommitted(queues);
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
