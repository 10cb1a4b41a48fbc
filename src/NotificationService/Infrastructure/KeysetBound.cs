namespace NotificationService.Infrastructure;

/// <summary>
/// Where a keyset page starts, written so that a generic plan still uses it as an index bound. Npgsql prepares the
/// service's statements (DatabaseSetup) and after five executions PostgreSQL may switch to a generic plan, which cannot
/// turn `($3 is null or id > $3)` into a bound: it walks the index from its start and filters, so each page of a long
/// walk reads every row before it. An erase of 100,000 notifications in batches of 500 read 3,425 buffers (7.8 ms) for
/// its batch half-way against 31 (0.4 ms) with `id > coalesce($3, lowest)`, which is one bound for the first page and
/// every next one (BENCHMARKS.md, "Keyset cursors under generic plans").
/// </summary>
internal static class KeysetBound
{
    /// <summary>Below every id (ids are UUIDv7, never the nil UUID).</summary>
    public const string FirstUuid = "'00000000-0000-0000-0000-000000000000'::uuid";

    /// <summary>Above every id, for newest-first pages.</summary>
    public const string LastUuid = "'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid";

    /// <summary>Above every identity value, for newest-first pages.</summary>
    public const string LastBigint = "9223372036854775807";

    /// <summary>Below every non-empty text in any collation (keys and userIds are never empty).</summary>
    public const string FirstText = "''";
}
