using Npgsql;

namespace NotificationService.Queue;

/// <summary>
/// Job ids taken from the jobs' identity sequence ahead of their insert, a block at a time, so a producer can send a
/// job and the rows that name it in one round trip (<see cref="JobQueue.EnqueueCommandAsync"/>) instead of inserting
/// the job first to learn its id. A block costs one statement per <see cref="BlockSize"/> ids. Ids a process took and
/// never used leave gaps, as a rolled-back insert does; nothing orders jobs by id alone (claims order by priority and
/// due time first).
/// </summary>
internal sealed class JobIdBlock(NpgsqlDataSource db)
{
    public const int BlockSize = 512;

    private readonly Lock _lock = new();
    private long[] _ids = [];
    private int _next;

    public async ValueTask<long[]> TakeAsync(int count, CancellationToken ct)
    {
        lock (_lock)
            if (_ids.Length - _next >= count) return Take(count);
        var fresh = await ReserveAsync(Math.Max(BlockSize, count), ct);
        lock (_lock)
        {
            // Whichever block has more left stays; the other's rest is a gap (two callers refilled at once).
            if (fresh.Length - count <= _ids.Length - _next) return fresh[..count];
            (_ids, _next) = (fresh, 0);
            return Take(count);
        }
    }

    private long[] Take(int count)
    {
        var taken = _ids[_next..(_next + count)];
        _next += count;
        return taken;
    }

    private async Task<long[]> ReserveAsync(int count, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select nextval(pg_get_serial_sequence('jobs', 'id')) from generate_series(1, $1)");
        cmd.Parameters.AddWithValue(count);
        var ids = new long[count];
        var i = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids[i++] = r.GetInt64(0);
        return ids;
    }
}
