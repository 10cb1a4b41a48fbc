using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support.Oidc;

namespace NotificationService.Tests.Features.Administration.Sso;

/// <summary>
/// What single sign-on may open, whoever set it up: an identity provider reaches members up to the role of the member
/// (or key) who configured it, never above (an admin's provider cannot vouch for an owner); a second factor the member
/// must have is asked for after the provider, as after a password; and an email domain sends nobody to a tenant before
/// the tenant proved it holds that domain.
/// </summary>
[Collection("sso")]
public partial class SsoSignInPolicyTests(SsoFixture sso)
{
    private async Task<string> CallbackPageAsync(HttpClient browser, Guid tenantId, OidcUser user)
    {
        var started = await browser.GetAsync($"/admin/sso/start?tenant={tenantId}");
        Assert.True(started.StatusCode == HttpStatusCode.Redirect, $"start answered {(int)started.StatusCode}");
        var callback = await sso.Provider!.SignInAsync(started.Headers.Location!, user.Login, SsoFixture.Callback);
        return await (await browser.GetAsync(callback.PathAndQuery)).Content.ReadAsStringAsync();
    }

    [OidcFact]
    public async Task An_identity_provider_an_admin_set_up_does_not_sign_in_the_owner()
    {
        // The probe: an admin points single sign-on at a provider they control, which vouches for the owner's email.
        var tenant = await sso.NewTenantAsync(null);
        await sso.PutSsoAsync(await sso.AsMemberAsync(tenant.Id, "admin"));
        await sso.MemberAsync(tenant.Id, SsoFixture.Ann.Email, role: "owner");

        var page = await CallbackPageAsync(sso.Browser(), tenant.Id, SsoFixture.Ann);
        Assert.Contains("data-reason=\"AboveWhoSetItUp\"", page);
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
        Assert.Equal(0, await sso.ScalarAsync<long>(
            "select count(*) from console_sessions s join members m on m.tenant_id = s.tenant_id and m.id = s.member_id where s.tenant_id = $1 and m.role = 'owner'", tenant.Id));
        Assert.Equal("admin", (await (await sso.AsMemberAsync(tenant.Id, "admin")).GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/v1/admin/sso"))!
            ["configuredByRole"]!.GetValue<string>());

        // Saved by an owner, the same provider reaches owners, and the owner still gives their own code.
        await sso.PutSsoAsync(await sso.AsMemberAsync(tenant.Id, "owner"));
        var owner = (await sso.Factory.Services.GetRequiredService<MemberStore>().FindByEmailAsync(tenant.Id, SsoFixture.Ann.Email, default))!;
        var totp = await sso.SecondFactorAsync(owner);
        var browser = sso.Browser();
        Assert.Contains("content=\"0;url=/admin/sign-in?handler=code", await CallbackPageAsync(browser, tenant.Id, SsoFixture.Ann));
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
        Assert.Equal("/admin", (await CodeAsync(browser, totp.ComputeTotp(DateTime.UtcNow))).Headers.Location?.OriginalString);
        Assert.Equal(1, await sso.SessionsAsync(tenant.Id));
    }

    /// <summary>The code step the provider's sign-in continued to, as the member's browser fills it in.</summary>
    private static async Task<HttpResponseMessage> CodeAsync(HttpClient browser, string code)
    {
        var form = await browser.GetAsync("/admin/sign-in?handler=code&returnUrl=%2Fadmin");
        var html = await form.Content.ReadAsStringAsync();
        Assert.True(form.StatusCode == HttpStatusCode.OK && html.Contains("id=\"code-form\""), $"code step: {(int)form.StatusCode}");
        var token = WebUtility.HtmlDecode(Regex.Match(html, "name=\"__csrf\"[^>]*value=\"([^\"]+)\"").Groups[1].Value);
        return await browser.PostAsync("/admin/sign-in?handler=Code", new FormUrlEncodedContent(
            [KeyValuePair.Create("code", code), KeyValuePair.Create("returnUrl", "/admin"), KeyValuePair.Create("__csrf", token)]));
    }

    [OidcFact]
    public async Task When_the_team_requires_a_second_factor_single_sign_on_asks_for_the_members_code()
    {
        var tenant = await sso.NewTenantAsync(null);
        await sso.PutSsoAsync(tenant.Http);
        var ann = await sso.MemberAsync(tenant.Id, "ann@acme.test");   // an editor: a second factor only because the team requires it
        var totp = await sso.SecondFactorAsync(ann);
        Assert.True((await tenant.Http.PutAsJsonAsync("/api/v1/admin/settings", new { allowHttpLinks = false, requireTotp = true })).IsSuccessStatusCode);

        var browser = sso.Browser();
        var page = await CallbackPageAsync(browser, tenant.Id, SsoFixture.Ann);
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));   // the provider alone opens nothing
        var next = Regex.Match(page, "content=\"0;url=([^\"]+)\"").Groups[1].Value;
        Assert.StartsWith("/admin/sign-in", WebUtility.HtmlDecode(next));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/admin/templates")).StatusCode);
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));

        using (var wrong = await CodeAsync(browser, "000000")) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("/admin", (await CodeAsync(browser, totp.ComputeTotp(DateTime.UtcNow))).Headers.Location?.OriginalString);
        Assert.Equal(1, await sso.SessionsAsync(tenant.Id));   // method sso: the provider, then the member's own code
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/templates")).StatusCode);

        // The console says the policy: any member can read it.
        var (_, session) = await Members.TeamMembers.SignedInAsync(sso.Factory.Services, tenant.Id, "viewer");
        using var settings = await sso.Factory.CreateClient(new() { AllowAutoRedirect = false })
            .SendAsync(Members.TeamMembers.Request(HttpMethod.Get, "/admin/sso", session));
        var policy = await settings.Content.ReadAsStringAsync();
        Assert.True(settings.StatusCode == HttpStatusCode.OK, $"/admin/sso: {(int)settings.StatusCode}");
        Assert.Contains("replaces the password, not the second factor", policy);
        Assert.Contains("because this team requires it, every member", policy);
        Assert.Contains("up to the role <strong>admin</strong>", policy);
    }

    [OidcFact]
    public async Task A_domain_listed_without_proof_sends_nobody_to_that_tenant()
    {
        var domain = $"t{Guid.NewGuid():N}.test";
        await sso.TenantWithSsoAsync(allowedDomains: [domain]);   // any tenant may type any domain
        var start = await sso.Browser().GetAsync($"/admin/sso/start?email=ann%40{domain}");
        var page = await start.Content.ReadAsStringAsync();
        Assert.True(start.StatusCode == HttpStatusCode.NotFound, $"expected 404, got {(int)start.StatusCode}: {start.Headers.Location}");
        Assert.Contains("data-reason=\"DomainUnknown\"", page);

        // Its TXT record published at the domain and checked: now the address finds the tenant.
        var tenant = await sso.TenantWithSsoAsync(allowedDomains: [$"x{domain}"]);
        var refused = await tenant.Http.PostAsync($"/api/v1/admin/sso/domains/x{domain}/verify", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);   // no record yet
        Assert.Contains("_notification-service.x" + domain, await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.PostAsync($"/api/v1/admin/sso/domains/{domain}/verify", null)).StatusCode);   // not its domain
        await sso.Dns.ProveAsync(tenant.Http, $"x{domain}");
        var found = await SsoSignInTests.ProviderUrlAsync(await sso.Browser().GetAsync($"/admin/sso/start?email=ann%40x{domain}"));
        Assert.StartsWith(sso.Provider!.Issuer, found.ToString());
    }
}
