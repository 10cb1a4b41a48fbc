using System.Text.Json;
using Npgsql;
using NotificationService.Features.Notifications;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Batches;

/// <summary>Accepts send-batch and send-chunk: every accepted recipient's notifications, the batch row and the idempotency key commit together.</summary>
public sealed class BatchHandler(NpgsqlDataSource db, BatchExpander expander, NotificationWriter writer, JobQueue queue)
{
    public sealed record Outcome(int StatusCode, string Body, bool Replayed);

    public Task<Outcome> SendBatchAsync(Guid tenantId, SendBatchRequest request, byte[] raw, string? key, CancellationToken ct) =>
        AcceptAsync(tenantId, Guid.CreateVersion7(), request with { Recipients = null }, request.Recipients, isNew: true, raw, key, ct);

    public async Task<Outcome> SendChunkAsync(Guid tenantId, SendChunkRequest request, byte[] raw, string? key, CancellationToken ct)
    {
        if (request.BatchId is not { } batchId) throw RequestValidationException.For("batchId", "The batch to add to is required.");
        await using var cmd = db.CreateCommand("select definition::text from batches where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(batchId);
        var definition = await cmd.ExecuteScalarAsync(ct) as string ?? throw new NotFoundException("The batch");
        return await AcceptAsync(tenantId, batchId, JsonSerializer.Deserialize<SendBatchRequest>(definition, JsonBody.Options)!,
            request.Recipients, isNew: false, raw, key, ct);
    }

    private async Task<Outcome> AcceptAsync(Guid tenantId, Guid batchId, SendBatchRequest definition, BatchRecipient[]? recipients,
        bool isNew, byte[] raw, string? key, CancellationToken ct)
    {
        var (drafts, rejected) = await expander.ExpandAsync(tenantId, batchId, definition, recipients, ct);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (key is not null && await IdempotencyStore.ClaimAsync(conn, tx, tenantId, key, raw, ct) is IdempotencyClaim.Replay replay)
        {
            await tx.CommitAsync(ct);
            return new Outcome(replay.StatusCode, replay.Body, Replayed: true);
        }
        var accepted = recipients!.Length - rejected.Count;
        await using (var upsert = new NpgsqlCommand("""
            insert into batches (id, tenant_id, definition, accepted, rejected, chunks) values ($1, $2, $3::jsonb, $4, $5, 1)
            on conflict (id) do update set accepted = batches.accepted + $4, rejected = batches.rejected + $5,
                                           chunks = batches.chunks + 1, updated_at = now()
            """, conn, tx))
        {
            upsert.Parameters.AddWithValue(batchId);
            upsert.Parameters.AddWithValue(tenantId);
            upsert.Parameters.AddWithValue(isNew ? JsonSerializer.Serialize(definition, JsonBody.Options) : "{}");
            upsert.Parameters.AddWithValue(accepted);
            upsert.Parameters.AddWithValue(rejected.Count);
            await upsert.ExecuteNonQueryAsync(ct);
        }
        var queues = drafts.Count > 0 ? await writer.InsertAsync(conn, tx, drafts, ct) : [];
        var body = JsonSerializer.Serialize(new BatchAccepted(batchId, accepted, rejected), JsonBody.Options);
        if (key is not null) await IdempotencyStore.SaveResponseAsync(conn, tx, tenantId, key, 202, body, ct);
        await tx.CommitAsync(ct);

        queue.NotifyCommitted(queues);
        return new Outcome(202, body, Replayed: false);
    }
}
