using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>A viewer reads every page but not the people in it: addresses masked, message bodies hidden.</summary>
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

    private static async Task<string> GetAsync(HttpClient browser, string page, string session)
    {
        using var response = await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, page, session));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
