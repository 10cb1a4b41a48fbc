using Npgsql;

namespace NotificationService.Postgres;

/// <summary>
/// For tests and the benchmark: one embedded cluster per process (started on first use, stopped at
/// exit) and a fresh, uniquely named database per caller, so test classes never see each other's rows.
/// Set NS_TEST_POSTGRES to a server connection string to use an existing server instead.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _serverConnectionString;
    private static EmbeddedPostgres? _cluster;

    public static async Task<string> ServerConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_serverConnectionString is not null) return _serverConnectionString;
            var configured = Environment.GetEnvironmentVariable("NS_TEST_POSTGRES");
            if (!string.IsNullOrEmpty(configured)) return _serverConnectionString = configured;

            var dir = Path.Combine(Path.GetTempPath(), "ns-test-pg", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..20]);
            _cluster = await EmbeddedPostgres.StartAsync(dir);
            var cluster = _cluster;
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                cluster.StopAsync().GetAwaiter().GetResult();
                try { Directory.Delete(dir, recursive: true); } catch { /* best effort */ }
            };
            return _serverConnectionString = cluster.ConnectionString;
        }
        finally { Gate.Release(); }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateAsync(string prefix = "t")
    {
        var server = await ServerConnectionStringAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)].ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database \"{name}\"", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
