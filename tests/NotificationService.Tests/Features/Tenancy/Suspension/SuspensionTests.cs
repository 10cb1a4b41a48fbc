using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Features.Tenancy.Suspension;
using NotificationService.Queue;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Suspension;

/// <summary>
/// A suspended tenant is refused on every request, whatever credential it comes with (an API key, an end user's token, a
/// console session), with a 403 problem naming the suspension; other tenants are untouched; resume lets them all back.
/// </summary>
[Collection("platform")]
public class SuspensionTests(PlatformFixture service)
{
    private async Task SuspendAsync(Guid tenantId) =>
        Assert.Equal(HttpStatusCode.OK, (await service.Platform().PostAsync($"/api/v1/platform/tenants/{tenantId}/suspend", null)).StatusCode);

    private async Task ResumeAsync(Guid tenantId) =>
        Assert.Equal(HttpStatusCode.OK, (await service.Platform().PostAsync($"/api/v1/platform/tenants/{tenantId}/resume", null)).StatusCode);

    private async Task<HttpClient> ConsoleClientAsync(TestTenant tenant)
    {
        var (_, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, MemberRoles.Admin);
        var client = service.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{ConsoleSessionAuthenticationHandler.CookieName}={session}");
        return client;
    }

    private static async Task AssertSuspendedAsync(HttpResponseMessage response, string who)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{who}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("suspended", body);
    }

    [Fact]
    public async Task A_suspended_tenant_is_refused_with_its_key_an_end_user_token_and_a_console_session_and_resume_lets_each_back()
    {
        var tenant = await service.NewTenantAsync();
        var other = await service.NewTenantAsync();
        var user = await service.UserClientAsync(tenant, "suspended-user");
        var console = await ConsoleClientAsync(tenant);
        Assert.Equal(HttpStatusCode.OK, (await console.GetAsync("/admin/api-keys")).StatusCode);

        await SuspendAsync(tenant.Id);
        await AssertSuspendedAsync(await tenant.Http.PostJsonAsync(Api.Send, Api.Email()), "a send with the tenant's key");
        await AssertSuspendedAsync(await tenant.Http.GetAsync("/api/v1/admin/api-keys"), "an admin call with the tenant's key");
        await AssertSuspendedAsync(await user.GetAsync($"{EndUsers.Inbox}/unread-count"), "an end-user token");
        await AssertSuspendedAsync(await console.GetAsync("/admin/api-keys"), "a console session");
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        await other.Http.SendOkAsync(Api.Email());   // another tenant does not notice

        await ResumeAsync(tenant.Id);
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(Api.Email()), "sent");
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync($"{EndUsers.Inbox}/unread-count")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await console.GetAsync("/admin/api-keys")).StatusCode);
    }

    [Fact]
    public async Task Another_replica_refuses_the_tenant_as_soon_as_the_suspension_is_announced_not_when_its_cache_expires()
    {
        // The replica would keep its cached "active" for an hour: only the announcement can make it see the change.
        await using var replica = ApiReplica.Start(service, ("Tenants:SuspensionCacheSeconds", "3600"));
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var there = replica.CreateClient();
        there.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("/api/v1/admin/api-keys")).StatusCode);   // cached there: active

        await SuspendAsync(tenant.Id);
        await Eventually.Async(async () => (await there.GetAsync("/api/v1/admin/api-keys")).StatusCode == HttpStatusCode.Forbidden,
            "the replica to refuse the suspended tenant");
        await ResumeAsync(tenant.Id);
        await Eventually.Async(async () => (await there.GetAsync("/api/v1/admin/api-keys")).StatusCode == HttpStatusCode.OK,
            "the replica to let the resumed tenant back");
    }

    [Fact]
    public async Task A_CSV_job_suspended_and_resumed_mid_way_delivers_every_row_exactly_once()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        const int rows = 400;   // 8 chunks of the fixture's 50 rows
        var csv = "email,first_name,order_id\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"row{i}@example.com,R{i},O-{i}\n"));
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8(csv));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>());

        await SuspendAsync(tenant.Id);
        // Held, positively: the workers answered some of the tenant's jobs "suspended" instead of running them.
        await service.Queue.WaitForAsync(tenant.Id, r => r is JobResult.Throttled { Error: SuspendedTenantHold.Reason }, "a job of the suspended tenant held");
        var sentWhileSuspended = await service.ScalarAsync<long>("select count(*) from sandbox_messages s join notifications n on n.id = s.notification_id where n.batch_id = $1", jobId);
        Assert.True(sentWhileSuspended < rows, "the whole file was delivered before the suspension: nothing was held");

        await ResumeAsync(tenant.Id);
        await Eventually.Async(async () => await service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1 and status = 'sent'", jobId) == rows,
            $"all {rows} rows to be sent after the resume");
        Assert.Equal(rows, await service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1", jobId));
        Assert.Equal(rows, await service.ScalarAsync<long>(
            "select count(distinct n.recipient->>'email') from sandbox_messages s join notifications n on n.id = s.notification_id where n.batch_id = $1", jobId));
        Assert.Equal(rows, await service.ScalarAsync<long>("select count(*) from sandbox_messages s join notifications n on n.id = s.notification_id where n.batch_id = $1", jobId));
    }

    [Fact]
    public async Task An_open_live_stream_of_the_tenant_ends_with_a_suspended_event_and_cannot_reconnect_until_resume()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var user = await service.UserClientAsync(tenant, "streaming-user");
        await using (var stream = await SseClient.OpenAsync(user, $"{EndUsers.Me}/stream"))
        {
            Assert.Equal("counts", (await stream.NextAsync()).Event);
            await SuspendAsync(tenant.Id);
            var last = await stream.NextAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("suspended", last.Event);
            Assert.Contains("suspended", last.Data);
            Assert.Contains("ended", (await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => stream.NextAsync())).Message);
        }
        await AssertSuspendedAsync(await user.GetAsync($"{EndUsers.Me}/stream"), "a stream reconnecting");

        await ResumeAsync(tenant.Id);
        await using var again = await SseClient.OpenAsync(user, $"{EndUsers.Me}/stream");
        Assert.Equal("counts", (await again.NextAsync()).Event);
    }
}
