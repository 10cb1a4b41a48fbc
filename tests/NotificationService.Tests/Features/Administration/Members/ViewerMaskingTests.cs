using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// A viewer reads every page but not the people in it: addresses masked, message bodies hidden, page family by page
/// family (delivery log and sandbox, users, suppressions, a bulk dry run's preview, dead jobs). Each spec shows the
/// address to a role that may see it on the same page, so a page that dropped it for everyone would fail too.
/// </summary>
[Collection("service")]
public class ViewerMaskingTests(ServiceFixture service)
{
    [Fact]
    public async Task A_viewer_sees_recipients_masked_and_no_message_body_where_an_editor_sees_both()
    {
        var tenant = await service.NewTenantAsync(channels: "email");
        var id = await tenant.Http.SendOkAsync(Api.Email("ada.lovelace@example.com", "Quarterly figures", "The secret body text"));
        await tenant.Http.WaitForStatusAsync(id, "sent");
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var (_, viewer) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "viewer");
        var (_, editor) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "editor");

        foreach (var page in new[] { $"/admin/notifications/{id}", "/admin/notifications", "/admin/sandbox" })
        {
            var asViewer = await GetAsync(browser, page, viewer);
            Assert.DoesNotContain("ada.lovelace@example.com", asViewer);
            Assert.DoesNotContain("The secret body text", asViewer);
            Assert.Contains("@example.com", asViewer);   // masked, not dropped: rows can still be told apart
            var asEditor = await GetAsync(browser, page, editor);
            Assert.Contains("ada.lovelace@example.com", asEditor);
        }
        Assert.Contains("The secret body text", await GetAsync(browser, $"/admin/notifications/{id}", editor));
    }

    [Fact]
    public async Task A_viewer_sees_a_users_email_phone_device_and_data_masked_on_the_users_pages()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var userId = $"u-{Guid.NewGuid():N}";
        var put = await tenant.Http.PutAsJsonAsync($"/api/v1/services/users/{userId}",
            new { email = "grace.hopper@example.com", phone = "+14155550123", data = new { plan = "the-private-plan" } });
        Assert.True(put.IsSuccessStatusCode, $"PUT profile: {(int)put.StatusCode}");
        var (viewer, operatorSession) = await SessionsAsync(tenant.Id, "operator");
        foreach (var page in new[] { $"/admin/users?user={userId}", $"/admin/users?q={userId}" })
        {
            var asViewer = await GetAsync(Browser, page, viewer);
            Assert.DoesNotContain("grace.hopper@example.com", asViewer);
            Assert.DoesNotContain("+14155550123", asViewer);
            Assert.DoesNotContain("the-private-plan", asViewer);
            Assert.Contains("g•••@example.com", asViewer);
            var asOperator = await GetAsync(Browser, page, operatorSession);
            Assert.Contains("grace.hopper@example.com", asOperator);
            Assert.Contains("+14155550123", asOperator);
        }
    }

    [Fact]
    public async Task A_viewer_sees_suppressed_addresses_masked_and_no_form_carrying_them()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        await service.ScalarAsync<object>("insert into suppressions (tenant_id, channel, address, reason) values ($1, 'email', 'bounced.person@example.com', 'bounce')", tenant.Id);
        var (viewer, operatorSession) = await SessionsAsync(tenant.Id, "operator");
        var asViewer = await GetAsync(Browser, "/admin/suppressions", viewer);
        Assert.DoesNotContain("bounced.person@example.com", asViewer);
        Assert.Contains("b•••@example.com", asViewer);
        Assert.Contains("bounced.person@example.com", await GetAsync(Browser, "/admin/suppressions", operatorSession));
    }

    [Fact]
    public async Task A_viewer_sees_a_dry_runs_recipients_masked_and_no_rendered_rows_or_rejected_rows()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var upload = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email,first_name,order_id\nlinus.t@example.com,Linus,1\nnot-an-address,B,2\n"), dryRun: true);
        var jobId = Guid.Parse((await upload.JsonAsync())["jobId"]!.GetValue<string>());
        await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);
        var (viewer, operatorSession) = await SessionsAsync(tenant.Id, "operator");

        var asViewer = await GetAsync(Browser, $"/admin/bulk/{jobId}", viewer);
        Assert.DoesNotContain("linus.t@example.com", asViewer);
        Assert.DoesNotContain("Hi Linus", asViewer);
        Assert.DoesNotContain("not-an-address", asViewer);
        Assert.Contains("l•••@example.com", asViewer);
        using (var errors = await Browser.SendAsync(TeamMembers.Request(HttpMethod.Get, $"/admin/bulk/{jobId}?handler=Errors", viewer)))
            Assert.Equal(HttpStatusCode.Forbidden, errors.StatusCode);   // the rejected rows as uploaded
        var asOperator = await GetAsync(Browser, $"/admin/bulk/{jobId}", operatorSession);
        Assert.Contains("linus.t@example.com", asOperator);
        Assert.Contains("Hi Linus", asOperator);
        using (var errors = await Browser.SendAsync(TeamMembers.Request(HttpMethod.Get, $"/admin/bulk/{jobId}?handler=Errors", operatorSession)))
            Assert.Contains("not-an-address", await errors.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_viewer_sees_a_dead_jobs_recipient_masked_on_the_queues_page()
    {
        var tenant = await service.NewTenantAsync("""{"permanentRate":1}""", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email("dead.letter@example.com"));
        await tenant.Http.WaitForStatusAsync(id, "failed");
        await Eventually.Async(async () => await service.ScalarAsync<string>("select state from jobs where tenant_id = $1", tenant.Id) == "dead", "the job to be dead");
        var (viewer, operatorSession) = await SessionsAsync(tenant.Id, "operator");
        var asViewer = await GetAsync(Browser, "/admin/queues", viewer);
        Assert.Contains($"notification {id}", asViewer);
        Assert.DoesNotContain("dead.letter@example.com", asViewer);
        Assert.Contains("d•••@example.com", asViewer);
        Assert.Contains("dead.letter@example.com", await GetAsync(Browser, "/admin/queues", operatorSession));
    }

    private HttpClient Browser => _browser ??= service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
    private HttpClient? _browser;

    private async Task<(string Viewer, string Other)> SessionsAsync(Guid tenantId, string otherRole)
    {
        var (_, viewer) = await TeamMembers.SignedInAsync(service.Factory.Services, tenantId, "viewer");
        var (_, other) = await TeamMembers.SignedInAsync(service.Factory.Services, tenantId, otherRole);
        return (viewer, other);
    }

    private static async Task<string> GetAsync(HttpClient browser, string page, string session)
    {
        using var response = await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, page, session));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());   // the mask's bullets are sent as character references
    }
}
