using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Notifications;
using NotificationService.Tests.Features.Sending.Templates;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>
/// What an event joining its window writes, counted by PostgreSQL (a budget that holds on a busy machine): its event row,
/// inserted and never rewritten (the digest reads the kept events' data from their runs), and one update of its window.
/// That update writes no indexed column, and the pages keep room for the new versions, so nearly all are HOT: they do not
/// write the window's five indexes again. Packed pages made 0.15 of them HOT in the bench; events that held a copy of
/// their data rewrote the one that fell out of the window's last `keep` (0.94 updates per event).
/// </summary>
public class DigestWriteBudgetTests(DatabaseCounters counters, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<DatabaseCounters>
{
    private const int Readers = 100, Triggers = 20, Keep = 3;
    private const double HotShare = 0.8;

    [Fact]
    public async Task Events_joining_their_windows_are_inserted_once_and_rewrite_no_index_for_their_windows_count()
    {
        Dictionary<string, (long, long, long, long)> before;
        await using (var api = Host())
        {
            using var http = await TenantAsync(api);
            var readers = Enumerable.Range(0, Readers).Select(i => $"reader-{i}").ToArray();
            await http.TriggerAsync("comments", new { recipients = readers, data = new { threadId = "warm", text = "first use" } });
            before = await counters.CountedAsync("digest_events", Readers);
            for (var t = 0; t < Triggers; t++)
                await http.TriggerAsync("comments", new { recipients = readers, data = new { threadId = "t1", text = $"comment {t}" }, actor = new { id = $"a{t}" } });
        }
        var work = await counters.StopAsync(before, "digest_events", Readers * Triggers);

        // Exact: every join after a window's first updates it; no event is written twice.
        var joins = Readers * (Triggers - 1);
        output.WriteLine($"HOT: {work.Hot("digest_windows")} of {work.Updated("digest_windows")} window updates; {work.Updated("digest_events")} event updates");
        Assert.Equal((joins, 0L), (work.Updated("digest_windows"), work.Updated("digest_events")));
        Assert.True(work.Hot("digest_windows") >= HotShare * joins, $"{work.Hot("digest_windows")} of {joins} window updates were HOT");
    }

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
        await counters.ResetStatementsAsync();

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

    private async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = counters.Db.CreateCommand("/* counters */ " + sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private async Task<HttpClient> TenantAsync(WebApplicationFactory<Program> host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<TenantStore>().CreateTenantAsync("digest budget", default);
        await using (var cmd = counters.Db.CreateCommand(
            "insert into providers (id, tenant_id, channel, kind, name, priority, settings) values (gen_random_uuid(), $1, 'email', 'sandbox', 'sandbox', 100, '{}')"))
        {
            cmd.Parameters.AddWithValue(created.TenantId);
            await cmd.ExecuteNonQueryAsync();
        }
        var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.ApiKey);
        await http.CreateTemplateAsync(new { key = "comments", channel = "email", locale = "en", parts = new { subject = "{{steps.batch.count}} new comments", text = "t" } });
        for (var i = 0; i < Readers; i++) await http.IdentifyAsync($"reader-{i}", new { email = $"reader-{i}@example.com" });
        await http.PublishWorkflowAsync(DigestApi.Flow(
            $$$"""{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"},"keep":{"first":{{{Keep}}},"last":{{{Keep}}}}}""", DigestApi.Mail));
        return http;
    }

    // Mode=api (the default here): no worker, so what is counted is the triggers' own writes.
    private WebApplicationFactory<Program> Host(string mode = "api") => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting("ConnectionStrings:Postgres", counters.ConnectionString);
        b.UseSetting("Mode", mode);
        b.UseSetting("Secrets:Keys:test", Convert.ToBase64String(new byte[32]));
        b.UseSetting("Logging:LogLevel:Default", "Warning");
    });
}
