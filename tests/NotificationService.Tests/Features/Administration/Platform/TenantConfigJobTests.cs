using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Platform;
using NotificationService.Features.Tenancy.Suspension;
using NotificationService.Tests.Features.Administration.Privacy;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>
/// A long export or import is a Hangfire job with a status URL: the request commits the job's row (its outbox) and
/// answers 202; the job's only argument is the row's id; the export's document is downloaded once it has succeeded, an
/// import's errors are named by field; another tenant's job id is a 404 and no tenant credential reaches any of it.
/// </summary>
[Collection("platform")]
public class TenantConfigJobTests(PlatformFixture service)
{
    private const string HangfireJobsOf = """
        select count(*) from hangfire.job where invocationdata::text like '%TenantConfigJobs%' and arguments::text like '%' || $1 || '%'
        """;
    private const string HangfireJobsNaming = "select count(*) from hangfire.job where arguments::text like '%' || $1 || '%'";

    [Fact]
    public async Task An_export_job_answers_202_and_its_document_is_the_export_while_its_hangfire_job_carries_only_the_job_id()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        await tenant.Http.CreateTemplateAsync(new { key = "welcome", channel = "email", locale = "en", parts = new { subject = "Hi", text = "job export" } });

        var started = await service.Platform().PostAsync($"/api/v1/platform/tenants/{tenant.Id}/exports", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.JsonAsync();
        var statusUrl = job["statusUrl"]!.GetValue<string>();
        Assert.Equal(statusUrl, started.Headers.Location!.OriginalString);
        Assert.Contains(job["status"]!.GetValue<string>(), new[] { "queued", "running", "succeeded" });

        var done = await WaitFinishedAsync(statusUrl);
        Assert.Equal("succeeded", done["status"]!.GetValue<string>());
        var document = JsonNode.Parse(await service.Platform().GetStringAsync(done["documentUrl"]!.GetValue<string>()))!;
        var inline = JsonNode.Parse(await service.Platform().GetStringAsync($"/api/v1/platform/tenants/{tenant.Id}/export"))!;
        document.AsObject().Remove("exportedAt");
        inline.AsObject().Remove("exportedAt");
        Assert.True(JsonNode.DeepEquals(inline, document), $"{inline.ToJsonString()} vs {document.ToJsonString()}");

        var jobId = job["id"]!.GetValue<string>();
        Assert.Equal(1L, await service.ScalarAsync<long>(HangfireJobsOf, jobId));
        Assert.Equal(0L, await service.ScalarAsync<long>(HangfireJobsNaming, tenant.Id.ToString()));
    }

    [Fact]
    public async Task An_import_above_the_inline_limit_or_asked_to_respond_async_is_a_job_whose_errors_are_named_by_field()
    {
        var source = await service.NewTenantAsync(sandboxSettingsJson: null);
        await source.Http.CreateTemplateAsync(new { key = "big", channel = "email", locale = "en", parts = new { subject = "S", text = "T" } });
        var export = await service.Platform().GetStringAsync($"/api/v1/platform/tenants/{source.Id}/export");
        var target = await NewTenantIdAsync();

        var large = export + new string(' ', 1024 * 1024);   // above Platform:InlineImportMaxBytes (1 MiB): a job without asking
        var imported = await ImportAsync(target, large, respondAsync: false);
        Assert.Equal(HttpStatusCode.Accepted, imported.StatusCode);
        var done = await WaitFinishedAsync((await imported.JsonAsync())["statusUrl"]!.GetValue<string>());
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        Assert.Equal(1, done["result"]!["templates"]!.GetValue<int>());
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from templates where tenant_id = $1 and key = 'big'", target));

        // The same again: the tenant has it, so the job fails naming the conflict, as the synchronous import answers 409.
        var again = await FinishedAsync(ImportAsync(target, large, respondAsync: false));
        Assert.Equal("failed", again["status"]!.GetValue<string>());
        Assert.Contains("big", again["detail"]!.GetValue<string>());

        // A small one asked to respond async, refused by the preflight: each field named, nothing imported.
        var broken = JsonNode.Parse(export)!;
        broken["templates"]![0]!["versions"]![0]!["layout"] = "missing-frame";
        var fresh = await NewTenantIdAsync();
        var refused = await FinishedAsync(ImportAsync(fresh, broken.ToJsonString(), respondAsync: true));
        Assert.Equal("failed", refused["status"]!.GetValue<string>());
        Assert.Contains("missing-frame", refused["errors"]!["templates[0].versions[0].layout"]![0]!.GetValue<string>());
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from templates where tenant_id = $1", fresh));

        // A document no job could import is a 400 naming the field at once, and leaves no job behind.
        var malformed = JsonNode.Parse(export)!;
        malformed["templates"]![0]!.AsObject().Remove("versions");
        var bad = await ImportAsync(fresh, malformed.ToJsonString(), respondAsync: true);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.JsonAsync())["errors"]!["templates[0].versions"]);
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from tenant_config_jobs where tenant_id = $1", fresh));
    }

    [Fact]
    public async Task A_job_whose_request_rolls_back_leaves_no_job_and_a_committed_one_without_a_job_is_picked_up_once()
    {
        var tenantId = await NewTenantIdAsync();
        var store = service.Factory.Services.GetRequiredService<TenantConfigJobStore>();
        Guid lost, kept;
        await using (var conn = await service.Db.OpenConnectionAsync())
        {
            await using (var tx = await conn.BeginTransactionAsync())
            {
                (lost, _) = await store.CreateAsync(conn, tx, tenantId, TenantConfigJobStore.Export, null, "spec", default);
                await tx.RollbackAsync();
            }
            await using (var tx = await conn.BeginTransactionAsync())
            {
                (kept, _) = await store.CreateAsync(conn, tx, tenantId, TenantConfigJobStore.Export, null, "spec", default);
                await tx.CommitAsync();
            }
        }
        // As if both requests had stopped a while ago, between their commit (or rollback) and the enqueue.
        await service.ScalarAsync<int>("""
            update tenant_config_jobs set created_at = now() - interval '1 hour' where tenant_id = $1 and id = $2 returning 1
            """, tenantId, kept);

        var jobs = service.Factory.Services.GetRequiredService<TenantConfigJobs>();
        await jobs.PickUpAsync(default);
        await jobs.PickUpAsync(default);   // the row is marked: no second job

        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from tenant_config_jobs where id = $1", lost));
        Assert.Equal(0L, await service.ScalarAsync<long>(HangfireJobsOf, lost.ToString()));
        Assert.Equal(1L, await service.ScalarAsync<long>(HangfireJobsOf, kept.ToString()));
        var done = await WaitFinishedAsync($"/api/v1/platform/tenants/{tenantId}/exports/{kept}");
        Assert.Equal("succeeded", done["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_tenants_job_id_is_a_404_and_the_tenants_own_key_reaches_none_of_its_jobs()
    {
        var owner = await service.NewTenantAsync();
        var other = await service.NewTenantAsync();
        var job = await (await service.Platform().PostAsync($"/api/v1/platform/tenants/{owner.Id}/exports", null)).JsonAsync();
        var jobId = job["id"]!.GetValue<string>();
        await WaitFinishedAsync(job["statusUrl"]!.GetValue<string>());

        foreach (var path in new[] { $"exports/{jobId}", $"exports/{jobId}/document", $"imports/{jobId}" })
            Assert.Equal(HttpStatusCode.NotFound, (await service.Platform().GetAsync($"/api/v1/platform/tenants/{other.Id}/{path}")).StatusCode);
        var owners = $"/api/v1/platform/tenants/{owner.Id}/exports";
        Assert.Equal(HttpStatusCode.NotFound, (await service.Platform().GetAsync($"{owners}/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Platform().GetAsync($"{owners}/{jobId}/document")).StatusCode);

        // The tenant's own admin key is not a platform key: every job route is a 404, as the platform API is to it.
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.PostAsync(owners, null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"{owners}/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"{owners}/{jobId}/document")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.PostAsync($"/api/v1/platform/tenants/{owner.Id}/import",
            new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from tenant_config_jobs where tenant_id = $1", owner.Id));
    }

    [Fact]
    public async Task A_suspended_tenants_export_job_produces_nothing_until_the_tenant_is_resumed_then_completes()
    {
        var tenantId = await NewTenantIdAsync();
        Assert.Equal(HttpStatusCode.OK, (await service.Platform().PostAsync($"/api/v1/platform/tenants/{tenantId}/suspend", null)).StatusCode);
        var job = await (await service.Platform().PostAsync($"/api/v1/platform/tenants/{tenantId}/exports", null)).JsonAsync();
        var (jobId, statusUrl) = (job["id"]!.GetValue<string>(), job["statusUrl"]!.GetValue<string>());

        // A worker took it twice and put it back each time, held: the signal that it was offered and did not run.
        await Eventually.Async(async () => await service.ScalarAsync<long>("""
            select count(*) from hangfire.state s join hangfire.job j on j.id = s.jobid
            where j.arguments::text like '%' || $1 || '%' and s.name = 'Scheduled' and s.reason = $2
            """, jobId, SuspendedTenantHold.Reason) >= 2, "the export job to be held twice");
        Assert.Equal("queued", (await service.Platform().GetJsonAsync(statusUrl))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await service.Platform().GetAsync(statusUrl + "/document")).StatusCode);
        // One export in progress per tenant: asking again answers the one that waits.
        Assert.Equal(jobId, (await (await service.Platform().PostAsync($"/api/v1/platform/tenants/{tenantId}/exports", null)).JsonAsync())["id"]!.GetValue<string>());
        Assert.Equal(0L, await service.ScalarAsync<long>("""
            select count(*) from tenant_config_jobs where id = $1 and (document is not null or started_at is not null)
            """, Guid.Parse(jobId)));

        Assert.Equal(HttpStatusCode.OK, (await service.Platform().PostAsync($"/api/v1/platform/tenants/{tenantId}/resume", null)).StatusCode);
        var done = await WaitFinishedAsync(statusUrl);
        Assert.Equal("succeeded", done["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_deleted_tenants_export_and_import_jobs_leave_nothing_of_it_in_any_table_hangfire_included()
    {
        var mark = Guid.NewGuid().ToString("N")[..10];
        var created = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants", new { name = $"Jobs {mark}", slug = $"jobs-{mark}" }))
            .JsonAsync();
        var tenantId = Guid.Parse(created["id"]!.GetValue<string>());
        var http = service.Client(created["apiKey"]!.GetValue<string>());
        await http.CreateTemplateAsync(new { key = $"exported-{mark}", channel = "email", locale = "en", parts = new { subject = $"Subject {mark}", text = "T" } });
        var export = await FinishedAsync(service.Platform().PostAsync($"/api/v1/platform/tenants/{tenantId}/exports", null));
        Assert.Equal("succeeded", export["status"]!.GetValue<string>());
        var document = JsonNode.Parse(await service.Platform().GetStringAsync(export["documentUrl"]!.GetValue<string>()))!;
        document["templates"]![0]!["key"] = $"imported-{mark}";
        var import = await FinishedAsync(ImportAsync(tenantId, document.ToJsonString(), respondAsync: true));
        Assert.True(import["status"]!.GetValue<string>() == "succeeded", import.ToJsonString());
        // The sweep sees the jobs' documents now, so finding nothing afterwards means something.
        Assert.Contains("tenant_config_jobs.document", await PrivacyApi.WhereStoredAsync(service.Db, $"Subject {mark}"));

        var deleted = await (await service.Platform().DeleteAsync($"/api/v1/platform/tenants/{tenantId}")).JsonAsync();
        await Eventually.Async(() => service.Platform().GetJsonAsync(deleted["statusUrl"]!.GetValue<string>()),
            s => s["status"]!.GetValue<string>() == "completed", "the deletion to complete", TimeSpan.FromSeconds(120));
        foreach (var value in new[] { mark, tenantId.ToString() })
        {
            var where = await PrivacyApi.WhereStoredAsync(service.Db, value);
            Assert.True(where.Count == 0, $"'{value}' is still in: {string.Join(", ", where)}");
        }
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from tenant_config_jobs where tenant_id = $1", tenantId));
        // Hangfire keeps its jobs' history, by the jobs' ids only.
        Assert.Equal(1L, await service.ScalarAsync<long>(HangfireJobsNaming, export["id"]!.GetValue<string>()));
        Assert.Equal(1L, await service.ScalarAsync<long>(HangfireJobsNaming, import["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_export_above_its_size_bound_fails_saying_so_and_an_import_left_running_by_a_stopped_run_says_it_stopped_part_way()
    {
        var tenantId = await NewTenantIdAsync();
        var store = service.Factory.Services.GetRequiredService<TenantConfigJobStore>();
        var small = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Platform:ExportMaxBytes"] = "100" }).Build();
        var jobs = ActivatorUtilities.CreateInstance<TenantConfigJobs>(service.Factory.Services, (IConfiguration)small);
        var (export, import) = (await RowAsync(store, tenantId, TenantConfigJobStore.Export), await RowAsync(store, tenantId, TenantConfigJobStore.Import));
        await service.ScalarAsync<int>("update tenant_config_jobs set status = 'running' where tenant_id = $1 and id = $2 returning 1", tenantId, import);

        await jobs.RunAsync(export, default);   // even an empty tenant's export is above 100 bytes
        await jobs.RunAsync(import, default);

        var tooLarge = await service.Platform().GetJsonAsync($"/api/v1/platform/tenants/{tenantId}/exports/{export}");
        Assert.Equal("failed", tooLarge["status"]!.GetValue<string>());
        Assert.Contains("Platform:ExportMaxBytes", tooLarge["detail"]!.GetValue<string>());
        Assert.Null(tooLarge["documentUrl"]);
        var stopped = await service.Platform().GetJsonAsync($"/api/v1/platform/tenants/{tenantId}/imports/{import}");
        Assert.Equal(("failed", TenantConfigJobs.Interrupted), (stopped["status"]!.GetValue<string>(), stopped["detail"]!.GetValue<string>()));
    }

    /// <summary>A job's row committed with no job enqueued: the spec runs it.</summary>
    private async Task<Guid> RowAsync(TenantConfigJobStore store, Guid tenantId, string kind)
    {
        await using var conn = await service.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var (id, _) = await store.CreateAsync(conn, tx, tenantId, kind, kind == TenantConfigJobStore.Import ? "{}"u8.ToArray() : null, "spec", default);
        await tx.CommitAsync();
        return id;
    }

    private Task<HttpResponseMessage> ImportAsync(Guid tenantId, string document, bool respondAsync)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/platform/tenants/{tenantId}/import")
        {
            Content = new StringContent(document, Encoding.UTF8, "application/json"),
        };
        if (respondAsync) request.Headers.Add("Prefer", "respond-async");
        return service.Platform().SendAsync(request);
    }

    private async Task<JsonNode> FinishedAsync(Task<HttpResponseMessage> start)
    {
        var started = await start;
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        return await WaitFinishedAsync((await started.JsonAsync())["statusUrl"]!.GetValue<string>());
    }

    private Task<JsonNode> WaitFinishedAsync(string statusUrl) => Eventually.Async(() => service.Platform().GetJsonAsync(statusUrl),
        s => s["status"]!.GetValue<string>() is "succeeded" or "failed", $"the job at {statusUrl} to finish", TimeSpan.FromSeconds(60));

    private async Task<Guid> NewTenantIdAsync()
    {
        var slug = $"cfg-{Guid.NewGuid():N}"[..16];
        var created = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants", new { name = slug, slug })).JsonAsync();
        return Guid.Parse(created["id"]!.GetValue<string>());
    }
}
