using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>What the phases that seed rows by SQL share: the demo tenant, and ids shaped like the service's own.</summary>
public static class SeedSql
{
    /// <summary>A UUIDv7 whose first 48 bits are <paramref name="unixMillis"/> (an SQL expression), as the service's ids are,
    /// so seeded rows sort by time in the indexes as accepted ones do.</summary>
    public static string UuidV7(string unixMillis) =>
        $"encode(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(({unixMillis})::bigint) from 3 for 6) from 1 for 6), 'hex')::uuid";

    /// <summary>The demo tenant: the one the bench's API key belongs to (the first service account).</summary>
    public static async Task<Guid> DemoTenantAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select tenant_id from service_accounts order by created_at limit 1");
        return (Guid)(await cmd.ExecuteScalarAsync())!;
    }
}
