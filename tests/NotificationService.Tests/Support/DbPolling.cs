using Npgsql;

namespace NotificationService.Tests.Support;

/// <summary>For tests that watch a service process through its database.</summary>
public static class DbPolling
{
    public static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync() ?? 0L);
    }

    /// <summary>Polls <paramref name="sql"/> until <paramref name="done"/> holds; a timeout says where it stayed.</summary>
    public static Task WaitUntilAsync(NpgsqlDataSource db, string sql, Func<long, bool> done, TimeSpan timeout) =>
        Eventually.Async(() => ScalarAsync(db, sql), done, $"'{sql}'", timeout);
}
