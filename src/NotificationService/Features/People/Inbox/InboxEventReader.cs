using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Inbox;

/// <summary>One stored stream event: its per-user sequence number, kind and JSON.</summary>
public sealed record StreamEvent(long Seq, string Kind, string Payload);

/// <summary>
/// Reads the event table for every woken stream in one statement. One inbox transaction wakes the streams of all the
/// users it wrote (one NOTIFY each, delivered together at commit); reading each stream's events on its own cost one
/// statement per event delivered, the largest count of any statement on the in_app path (BENCHMARKS.md, "Live stream").
/// The reads that arrive while one statement runs go together in the next (<see cref="BatchingWriter{T}"/>), so alone
/// a read costs what it did and under load the statements per event fall. Each stream keeps its own cursor: a user's
/// two tabs are two reads.
/// </summary>
public sealed class InboxEventReader : IAsyncDisposable
{
    private sealed class Read(Guid tenantId, string userId, long after, int limit)
    {
        public Guid TenantId { get; } = tenantId;
        public string UserId { get; } = userId;
        public long After { get; } = after;
        public int Limit { get; } = limit;
        public List<StreamEvent> Events { get; } = [];
    }

    private readonly NpgsqlDataSource _db;
    private readonly BatchingWriter<Read> _batcher;

    public InboxEventReader(NpgsqlDataSource db)
    {
        _db = db;
        // Two at once: while one statement runs the next group forms, so a read waits for at most one statement.
        _batcher = new BatchingWriter<Read>(ReadAllAsync, maxBatch: 1000, parallelism: 2);
    }

    /// <summary>The user's events after <paramref name="after"/>, in order, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StreamEvent>> AfterAsync(Guid tenantId, string userId, long after, int limit, CancellationToken ct)
    {
        var read = new Read(tenantId, userId, after, limit);
        await _batcher.WriteAsync(read).WaitAsync(ct);
        return read.Events;
    }

    private async Task ReadAllAsync(IReadOnlyList<Read> reads, CancellationToken ct)
    {
        foreach (var read in reads) read.Events.Clear();   // a failed group is retried one read at a time
        await using var cmd = _db.CreateCommand("""
            select q.i, e.seq, e.kind, e.payload::text
            from unnest($1::uuid[], $2::text[], $3::bigint[], $4::int[]) with ordinality as q(tenant_id, user_id, after_seq, max_rows, i)
            cross join lateral (
                select seq, kind, payload from inbox_events e
                where e.tenant_id = q.tenant_id and e.user_id = q.user_id and e.seq > q.after_seq
                order by e.seq limit q.max_rows) e
            order by q.i, e.seq
            """);
        cmd.Parameters.AddWithValue(reads.Select(r => r.TenantId).ToArray());
        cmd.Parameters.AddWithValue(reads.Select(r => r.UserId).ToArray());
        cmd.Parameters.AddWithValue(reads.Select(r => r.After).ToArray());
        cmd.Parameters.AddWithValue(reads.Select(r => r.Limit).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            reads[(int)r.GetInt64(0) - 1].Events.Add(new StreamEvent(r.GetInt64(1), r.GetString(2), r.GetString(3)));
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
