using System.Text.Json;
using Npgsql;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Batches;

/// <summary>The one owner of `batches`: a batch's shared definition and its accepted/rejected/chunk counters.</summary>
public sealed class BatchStore(NpgsqlDataSource db)
{
    public async Task<SendBatchRequest?> DefinitionAsync(Guid tenantId, Guid batchId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select definition::text from batches where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(batchId);
        return await cmd.ExecuteScalarAsync(ct) is string json
            ? JsonSerializer.Deserialize<SendBatchRequest>(json, JsonBody.Options) : null;
    }

    /// <summary>In the accepting transaction: creates the batch with its first chunk (<paramref name="definition"/> given)
    /// or counts another chunk.</summary>
    public async Task RecordChunkAsync(LedgerTransaction tx, Guid tenantId, Guid batchId, SendBatchRequest? definition,
        int accepted, int rejected, CancellationToken ct)
    {
        await using var upsert = tx.Command("""
            insert into batches (id, tenant_id, definition, accepted, rejected, chunks) values ($1, $2, $3::jsonb, $4, $5, 1)
            on conflict (id) do update set accepted = batches.accepted + $4, rejected = batches.rejected + $5,
                                           chunks = batches.chunks + 1, updated_at = now()
            """);
        upsert.Parameters.AddWithValue(batchId);
        upsert.Parameters.AddWithValue(tenantId);
        upsert.Parameters.AddWithValue(definition is null ? "{}" : JsonSerializer.Serialize(definition, JsonBody.Options));
        upsert.Parameters.AddWithValue(accepted);
        upsert.Parameters.AddWithValue(rejected);
        await upsert.ExecuteNonQueryAsync(ct);
    }

    public async Task<(int Accepted, int Rejected, int Chunks, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)?> CountersAsync(
        Guid tenantId, Guid batchId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select accepted, rejected, chunks, created_at, updated_at from batches where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(batchId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4));
    }
}
