using Npgsql;
using NotificationService.Postgres;

namespace NotificationService.Queue.Tests.Postgres;

public class EmbeddedPostgresTests
{
    [Fact]
    public async Task Starts_a_private_cluster_that_accepts_connections_and_reuses_it_when_already_running()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ns-embedded-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var pg = await EmbeddedPostgres.StartAsync(dir);
            await using (var conn = new NpgsqlConnection(pg.ConnectionString))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("select current_setting('server_version_num')::int", conn);
                Assert.True((int)(await cmd.ExecuteScalarAsync())! >= 150000);
            }
            await using var again = await EmbeddedPostgres.StartAsync(dir, stopOnDispose: false);
            Assert.Equal(pg.Port, again.Port);
        }
        finally { Directory.Delete(dir, recursive: true); }   // stopped by the first one's dispose: leave nothing behind
    }

    [Fact]
    public async Task Migrations_apply_once_in_version_order_even_when_two_runners_race()
    {
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("mig"));
        Migration[] migrations =
        [
            new(2, "second", "insert into t values (2)"),
            new(1, "first", "create table t (v int primary key)"),
        ];
        var runs = await Task.WhenAll(Migrator.ApplyAsync(db, migrations), Migrator.ApplyAsync(db, migrations));

        Assert.Equal(2, runs.Sum(r => r.Count));
        await using var cmd = db.CreateCommand("select string_agg(v::text, ',' order by v) from t");
        Assert.Equal("2", await cmd.ExecuteScalarAsync());
        Assert.Empty(await Migrator.PendingAsync(db, migrations));
    }
}
