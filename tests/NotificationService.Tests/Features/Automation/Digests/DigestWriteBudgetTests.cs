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

    // Mode=api: no worker, so what is counted is the triggers' own writes.
    private WebApplicationFactory<Program> Host() => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting("ConnectionStrings:Postgres", counters.ConnectionString);
        b.UseSetting("Mode", "api");
        b.UseSetting("Secrets:Keys:test", Convert.ToBase64String(new byte[32]));
        b.UseSetting("Logging:LogLevel:Default", "Warning");
    });
}
