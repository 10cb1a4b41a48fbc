using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>The comment-thread example as the digest specs use it, and the moves of virtual time they make.</summary>
public static class DigestApi
{
    public const string Batch = """{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"},"maxEvents":1000,"keep":{"first":3,"last":3}}""";
    public const string Mail = """{"id":"mail","type":"send","channel":"email","template":"comments"}""";

    public static string Flow(params string[] steps) => $$"""{"key":"comments","name":"Comments","steps":[{{string.Join(",", steps)}}]}""";

    /// <summary>A tenant with ada, and the `comments` email: "{{steps.batch.count}} new comments" and the kept comments' text.</summary>
    public static async Task<TestTenant> TenantAsync(this ServiceFixture service, string subject = "{{steps.batch.count}} new comments")
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new
        {
            key = "comments", channel = "email", locale = "en",
            parts = new { subject, text = "{{#each steps.batch.events}}[{{text}}]{{/each}}" },
        });
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com" });
        return tenant;
    }

    public static async Task<Guid> CommentAsync(this HttpClient http, string threadId, string text, string? cancellationKey = null) =>
        (await http.TriggerAsync("comments", new { recipients = new[] { "ada" }, data = new { threadId, text }, actor = new { id = "bob" }, cancellationKey })).Single();

    /// <summary>"The window's end has come": every digest-close job of the tenant is due now; the workers pick them up.</summary>
    public static async Task CloseWindowsAsync(this ServiceFixture service, Guid tenantId)
    {
        await using var cmd = service.Db.CreateCommand("update jobs set run_at = now() where tenant_id = $1 and kind = 'digest-close' and state = 'ready'");
        cmd.Parameters.AddWithValue(tenantId);
        Assert.True(await cmd.ExecuteNonQueryAsync() > 0, "no window's close was due");
        service.WakeWorkers();
    }

    /// <summary>The subjects the sandbox recorded for the tenant.</summary>
    public static Task<string> SentAsync(this ServiceFixture service, Guid tenantId) =>
        service.ScalarAsync<string>("select coalesce(string_agg(content::text, ' | ' order by id), '') from sandbox_messages where tenant_id = $1", tenantId)!;

    public static bool Sends(this System.Text.Json.Nodes.JsonNode run, string stepId) =>
        run["steps"]!.AsArray().Any(s => s.Text("stepId") == stepId && s!["notificationIds"]!.AsArray().Count > 0);

    public static Task<long> OpenEventsAsync(this ServiceFixture service, Guid tenantId, string key = "t1") =>
        service.ScalarAsync<long>("select coalesce(sum(event_count), 0)::bigint from digest_windows where tenant_id = $1 and digest_key = $2 and state = 'open'", tenantId, key);

    public static Task<long> WaitOpenEventsAsync(this ServiceFixture service, Guid tenantId, long count, string key = "t1") =>
        Eventually.Async(() => service.OpenEventsAsync(tenantId, key), n => n == count, $"{count} events in the open window of {key}");
}
