using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Batches;

public sealed record BatchStatus(Guid BatchId, int Accepted, int Rejected, int Chunks, IReadOnlyDictionary<string, long> Counts,
    bool Settled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record BatchNotification(Guid Id, string Channel, string Status, JsonNode? Recipient, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record BatchPage(IReadOnlyList<BatchNotification> Items, string? NextCursor);

/// <summary>Live counts per status, and keyset pages of a batch's notifications (UUIDv7 ids are time-ordered).</summary>
public sealed class BatchQueries(NpgsqlDataSource db)
{
    public const int DefaultLimit = 50, MaxLimit = 100;
    private static readonly string[] InFlight = ["accepted", "queued", "sending"];

    public async Task<BatchStatus?> GetAsync(Guid tenantId, Guid batchId, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new("select accepted, rejected, chunks, created_at, updated_at from batches where tenant_id = $1 and id = $2")
            { Parameters = { new() { Value = tenantId }, new() { Value = batchId } } });
        batch.BatchCommands.Add(new("select status, count(*) from notifications where tenant_id = $1 and batch_id = $2 group by status order by status")
            { Parameters = { new() { Value = tenantId }, new() { Value = batchId } } });
        await using var r = await batch.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var (accepted, rejected, chunks, created, updated) = (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4));
        await r.NextResultAsync(ct);
        var counts = new Dictionary<string, long>();
        while (await r.ReadAsync(ct)) counts[r.GetString(0)] = r.GetInt64(1);
        return new BatchStatus(batchId, accepted, rejected, chunks, counts, !counts.Keys.Any(InFlight.Contains), created, updated);
    }

    public async Task<BatchPage?> PageAsync(Guid tenantId, Guid batchId, string? status, string? cursor, int? limit, CancellationToken ct)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) throw RequestValidationException.For("limit", $"limit is 1 to {MaxLimit}.");
        Guid after = Guid.Empty;
        if (!string.IsNullOrEmpty(cursor) && !Guid.TryParse(cursor, out after)) throw RequestValidationException.For("cursor", "Not a cursor from a previous page.");
        if (await GetAsync(tenantId, batchId, ct) is null) return null;

        await using var cmd = db.CreateCommand("""
            select id, channel, status, recipient::text, last_error, created_at, updated_at from notifications
            where tenant_id = $1 and batch_id = $2 and id > $3 and ($4::text is null or status = $4)
            order by id limit $5
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(batchId);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)status ?? DBNull.Value });
        cmd.Parameters.AddWithValue(take + 1);
        var items = new List<BatchNotification>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            items.Add(new BatchNotification(r.GetGuid(0), r.GetString(1), r.GetString(2), JsonNode.Parse(r.GetString(3)),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6)));
        var more = items.Count > take;
        if (more) items.RemoveAt(take);
        return new BatchPage(items, more ? items[^1].Id.ToString() : null);
    }
}
