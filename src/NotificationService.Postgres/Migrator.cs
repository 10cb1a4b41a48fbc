using Npgsql;

namespace NotificationService.Postgres;

/// <summary>
/// Applies versioned SQL migrations in order, each in its own transaction, under a session advisory
/// lock so that replicas starting together never race: the second waits, then finds nothing to do.
/// </summary>
public static class Migrator
{
    private const long AdvisoryLockKey = 0x4E6F746966; // "Notif"

    /// <param name="thenUnderLock">Runs after the migrations on the same connection, still under the lock: schemas that a
    /// library installs with its own script (the `hangfire` schema) are installed here, so replicas never race on them either.</param>
    public static async Task<IReadOnlyList<Migration>> ApplyAsync(NpgsqlDataSource db, IEnumerable<Migration> migrations,
        Action<string>? log = null, CancellationToken ct = default, Func<NpgsqlConnection, CancellationToken, Task>? thenUnderLock = null)
    {
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        var duplicate = ordered.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"two migrations share version {duplicate.Key}");

        await using var conn = await db.OpenConnectionAsync(ct);
        await Exec(conn, "select pg_advisory_lock(@k)", ct);
        try
        {
            await Exec(conn, """
                create table if not exists schema_migrations (
                    version int primary key,
                    name text not null,
                    applied_at timestamptz not null default now())
                """, ct);
            var applied = new HashSet<int>();
            await using (var cmd = new NpgsqlCommand("select version from schema_migrations", conn))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) applied.Add(r.GetInt32(0));

            var done = new List<Migration>();
            foreach (var m in ordered.Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using (var cmd = new NpgsqlCommand(m.Sql, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
                await using (var cmd = new NpgsqlCommand("insert into schema_migrations(version, name) values (@v, @n)", conn, tx))
                {
                    cmd.Parameters.AddWithValue("v", m.Version);
                    cmd.Parameters.AddWithValue("n", m.Name);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                log?.Invoke($"applied migration {m.Version:D4}_{m.Name}");
                done.Add(m);
            }
            if (thenUnderLock is not null) await thenUnderLock(conn, ct);
            return done;
        }
        finally
        {
            await Exec(conn, "select pg_advisory_unlock(@k)", CancellationToken.None);
        }
    }

    /// <summary>Versions known to the code but not applied to the database (for /health/ready).</summary>
    public static async Task<IReadOnlyList<int>> PendingAsync(NpgsqlDataSource db, IEnumerable<Migration> migrations,
        CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select coalesce(array_agg(version), '{}') from schema_migrations");
        var applied = (int[])(await cmd.ExecuteScalarAsync(ct))!;
        return migrations.Select(m => m.Version).Except(applied).Order().ToList();
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        if (sql.Contains("@k")) cmd.Parameters.AddWithValue("k", AdvisoryLockKey);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
