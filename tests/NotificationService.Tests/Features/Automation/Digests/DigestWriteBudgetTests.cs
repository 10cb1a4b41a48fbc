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
/// What an event joining its window writes, counted by PostgreSQL (a budget that holds on a busy machine): one update of
/// its window and, past the window's first `keep`, one update dropping the data of the event that left its last `keep`.
/// Neither writes an indexed column, and the pages keep room for the new versions, so nearly all are HOT: they do not
/// write the window's five indexes or the event's two again. Packed pages made 0.15 and 0.00 of them HOT in the bench.
/// </summary>
public class DigestWriteBudgetTests(DatabaseCounters counters, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<DatabaseCounters>
{
    private const int Readers = 100, Triggers = 20, Keep = 3;
    private const double HotShare = 0.8;

    [Fact]
    public async Task Events_joining_their_windows_rewrite_no_index_for_their_windows_count_or_the_data_they_drop()
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

        // Exact: every join after a window's first updates it; every event past 2 × keep drops one event's data.
        var (joins, drops) = (Readers * (Triggers - 1), Readers * (Triggers - 2 * Keep));
        output.WriteLine($"HOT: {work.Hot("digest_windows")} of {work.Updated("digest_windows")} window updates, {work.Hot("digest_events")} of {work.Updated("digest_events")} event updates");
        Assert.Equal((joins, drops), (work.Updated("digest_windows"), work.Updated("digest_events")));
        Assert.True(work.Hot("digest_windows") >= HotShare * joins, $"{work.Hot("digest_windows")} of {joins} window updates were HOT");
        Assert.True(work.Hot("digest_events") >= HotShare * drops, $"{work.Hot("digest_events")} of {drops} dropped events' updates were HOT");
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
