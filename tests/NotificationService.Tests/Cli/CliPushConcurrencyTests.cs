using NotificationService.Cli.Commands;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Shared;

namespace NotificationService.Tests.Cli;

/// <summary>
/// Two pushes from trees pulled at the same revision (two merges' CI jobs at once): the one that commits second must see the
/// first's change and be refused, as it would be had it started later, never overwrite it. The spec holds the template's
/// row locked so both pushes are under way together, waits (on the database's lock table, not a clock) until both are
/// waiting, then lets them go.
/// </summary>
[Collection("platform")]
public class CliPushConcurrencyTests(PlatformFixture service)
{
    [Fact]
    public async Task Of_two_pushes_from_the_same_revision_at_once_one_is_applied_and_the_other_refused()
    {
        var tenant = await service.SeededTenantAsync();
        using var first = new TreeDir();
        using var second = new TreeDir();
        foreach (var dir in new[] { first, second })
            Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        first.Write("templates/receipt/email.en/subject.hbs", "Receipt {{number}} (first)");
        second.Write("templates/receipt/email.en/subject.hbs", "Receipt {{number}} (second)");

        await using var holder = await service.Db.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        const string LockRow = "select 1 from templates where tenant_id = $1 and key = 'receipt' for update";
        await using (var lockRow = new Npgsql.NpgsqlCommand(LockRow, holder, tx))
        {
            lockRow.Parameters.AddWithValue(tenant.Id);
            await lockRow.ExecuteScalarAsync();
        }
        var (errorsA, errorsB) = (new StringWriter(), new StringWriter());
        var pushes = new[]
        {
            PushCommand.RunAsync(tenant.Http, first.Path, new(), TextWriter.Null, errorsA, default),
            PushCommand.RunAsync(tenant.Http, second.Path, new(), TextWriter.Null, errorsB, default),
        };
        await Eventually.Async(() => WaitingBehindAsync(holder.ProcessID), n => n >= 2, "both pushes waiting behind the held row");
        await tx.RollbackAsync();
        var exits = await Task.WhenAll(pushes);

        Assert.Equal([0, 1], exits.Order());
        Assert.Contains("changed the tenant's configuration since the tree was pulled", (exits[0] == 1 ? errorsA : errorsB).ToString());
        var winner = exits[0] == 0 ? "first" : "second";
        var receipt = await ConfigPushTenants.TemplateAsync(tenant.Http, "receipt");
        Assert.Equal($"Receipt {{{{number}}}} ({winner})", (string?)receipt["parts"]!["subject"]);
    }

    /// <summary>Backends of this database waiting on a lock the holder has, or on one a backend waiting on the holder has.</summary>
    private async Task<long> WaitingBehindAsync(int holder)
    {
        await using var cmd = service.Db.CreateCommand("""
            with direct as (select pid from pg_stat_activity where datname = current_database() and pg_blocking_pids(pid) @> array[$1])
            select (select count(*) from direct) + (select count(*) from pg_stat_activity where datname = current_database()
                and pid not in (select pid from direct) and pg_blocking_pids(pid) && array(select pid from direct))
            """);
        cmd.Parameters.AddWithValue(holder);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_topic_an_app_creates_after_the_pull_does_not_make_the_tree_stale()
    {
        var tenant = await service.SeededTenantAsync();
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        var topic = await tenant.Http.PutAsync("/api/v1/services/topics/customer-42",
            new StringContent("""{"name":"Customer 42"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(topic.IsSuccessStatusCode, await topic.Content.ReadAsStringAsync());   // as an app does while it runs
        dir.Write("templates/receipt/email.en/subject.hbs", "Receipt {{number}} (after a topic)");
        Assert.Equal(0, await PushCommand.RunAsync(tenant.Http, dir.Path, new(), TextWriter.Null, Console.Error, default));
    }
}
