using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Notifications;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>What closing windows costs, counted by PostgreSQL in a cluster of the spec's own (its counters are the cluster's).</summary>
public class DigestCloseBudgetTests(DatabaseCounters counters, Xunit.Abstractions.ITestOutputHelper output) : DigestBudgetSpec(counters), IClassFixture<DatabaseCounters>
{
    /// <summary>
    /// Windows that end together close together: the close jobs a worker claims at once close their windows in one
    /// transaction and one statement (a window alone was a transaction of five statements, 10,000 of them in the bench's
    /// closing minute), and each digest is still exact: its count, and its distinct actors.
    /// </summary>
    [Fact]
    public async Task Windows_ending_together_close_in_one_statement_with_each_digest_exact()
    {
        await using (var api = Host())
        {
            using var http = await TenantAsync(api);
            var readers = Enumerable.Range(0, Readers).Select(i => $"reader-{i}").ToArray();
            foreach (var actor in new[] { "ada", "grace", "ada" })
                await http.TriggerAsync("comments", new { recipients = readers, data = new { threadId = "together", text = "hi" }, actor = new { id = actor } });
        }
        Assert.Equal(Readers, await ScalarAsync($"with due as (update jobs set run_at = now() where kind = 'digest-close' and (args->>'w')::uuid in ({Together}) returning 1)"
            + " select count(*) from due"));
        await Counters.ResetStatementsAsync();

        await using (var worker = Host("worker"))
        {
            worker.StartServer();   // a factory starts its host when first used
            await Eventually.Async(() => ScalarAsync($"select count(*) from digest_windows where state = 'closed' and id in ({Together})"), n => n == Readers, "the windows to close");
        }

        var closes = await ScalarAsync("select coalesce(sum(calls), 0)::bigint from pg_stat_statements where query like 'update digest_windows w set state%'");
        output.WriteLine($"{closes} close statements for {Readers} windows");
        Assert.InRange(closes, 1, Readers / 10);
        Assert.Equal(Readers, await ScalarAsync("""
            select count(*) from digest_windows
            where digest_key = 'together' and state = 'closed' and (summary->>'count')::int = 3 and (summary->'actors'->>'count')::int = 2 and carrier_run_id is not null
            """));
        Assert.Equal(0, await ScalarAsync($"select count(*) from digest_events where window_id in ({Together})"));
    }

    private const string Together = "select id from digest_windows where digest_key = 'together'";
}
