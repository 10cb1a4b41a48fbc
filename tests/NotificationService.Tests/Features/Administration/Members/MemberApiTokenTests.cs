using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// A member's admin API token: made on their account page and shown once, working as far as their role goes and nowhere
/// outside the admin API, naming them in the audit, and ending with their sessions. A cookie is no token, nor a token a cookie.
/// </summary>
[Collection("service")]
public partial class MemberApiTokenTests(ServiceFixture service)
{
    [Fact]
    public async Task A_token_made_on_the_account_page_works_as_far_as_the_role_goes_names_the_member_and_ends_when_the_role_is_lowered()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var (member, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "editor");
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var (csrf, antiforgery) = await TeamMembers.AntiforgeryAsync(browser, "/admin/account", session);
        using var made = await browser.SendAsync(TeamMembers.Request(HttpMethod.Post, "/admin/account?handler=Token", session, antiforgery,
            new FormUrlEncodedContent([KeyValuePair.Create("__csrf", csrf)])));
        var page = await made.Content.ReadAsStringAsync();
        var token = TokenShown().Match(page).Groups[1].Value;
        Assert.StartsWith("nsm_", token);
        var listed = await (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin/account", session))).Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, listed);                                        // shown once, on that answer only
        Assert.Contains($"{ConsoleSessionStore.PublicIdOf(token[4..])}</code>", listed);   // and listed among the member's sessions

        using var api = service.Factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await api.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);                   // content: an editor's
        var refused = await api.GetAsync("/api/v1/admin/api-keys");                  // settings: not an editor's
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("editor", (await refused.JsonAsync())["role"]!.GetValue<string>());
        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?action=category.create");
        Assert.Contains($"member {member.Email} (token, {member.Id})", audit);
        Assert.DoesNotContain(token[4..], await tenant.Http.GetStringAsync("/api/v1/admin/audit"));

        var lowered = await tenant.Http.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/admin/members/{member.Id}")
            { Content = JsonContent("""{"role":"viewer"}""") });
        Assert.Equal(HttpStatusCode.OK, lowered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/admin/categories")).StatusCode);
    }

    [Fact]
    public async Task A_token_opens_no_services_operation_a_cookie_is_no_token_and_a_token_is_no_cookie()
    {
        var tenant = await service.NewTenantAsync(channels: "email");
        var (member, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "owner");
        var (token, _) = await ((MemberApiTokens)service.Factory.Services.GetService(typeof(MemberApiTokens))!)
            .CreateAsync(MemberSessions.PrincipalOf(member, MemberSessions.Password), default);
        using var api = service.Factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/admin/members")).StatusCode);
        // An owner's session carries the admin scope for the console; a token still sends nothing: services use keys.
        var send = await api.PostJsonAsync("/api/v1/services/notifications/send", Api.Email("ada@example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, send.StatusCode);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));

        using var cookieAsToken = service.Factory.CreateClient();
        cookieAsToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "nsm_" + session);
        Assert.Equal(HttpStatusCode.Unauthorized, (await cookieAsToken.GetAsync("/api/v1/admin/members")).StatusCode);
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var tokenAsCookie = await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", token[4..]));
        Assert.Equal(HttpStatusCode.Unauthorized, tokenAsCookie.StatusCode);         // no session
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [GeneratedRegex(@"<code id=""new-token"">([^<]+)</code>")]
    private static partial Regex TokenShown();
}
