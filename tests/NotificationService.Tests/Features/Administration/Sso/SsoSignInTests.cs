using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using NotificationService.Tests.Support;
using NotificationService.Tests.Support.Oidc;

namespace NotificationService.Tests.Features.Administration.Sso;

/// <summary>
/// Single sign-on against a real OpenID Provider (the certified `oidc-provider` on loopback): the browser is sent to the
/// tenant's provider with PKCE, state and nonce, comes back with a code, and only an ID token that passes every check
/// (signature by the provider's JWKS, issuer, audience, expiry, nonce, a verified email of an allowed domain) reaches the
/// members' step. Each refusal is a page saying why; nothing reaches the members' step then.
/// </summary>
[Collection("sso")]
public class SsoSignInTests(SsoFixture sso)
{
    private OidcProvider Op => sso.Provider!;

    /// <summary>Start at the console, sign in at the provider as <paramref name="user"/>: the callback URL it sends back.</summary>
    private async Task<Uri> ToCallbackAsync(HttpClient browser, string start, OidcUser user)
    {
        var authorize = await ProviderUrlAsync(await browser.GetAsync(start));
        Assert.StartsWith(Op.Issuer, authorize.ToString());
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        return await Op.SignInAsync(authorize, user.Login, SsoFixture.Callback);
    }

    private static string Local(Uri callback) => callback.PathAndQuery;

    /// <summary>Where a start sends the browser: a redirect (a team's link) or a page that moves on (the work-address form).</summary>
    internal static async Task<Uri> ProviderUrlAsync(HttpResponseMessage started)
    {
        var page = await started.Content.ReadAsStringAsync();
        if (started.StatusCode == HttpStatusCode.Redirect) return started.Headers.Location!;
        var refresh = System.Text.RegularExpressions.Regex.Match(page, "http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"");
        Assert.True(started.StatusCode == HttpStatusCode.OK && refresh.Success, $"start answered {(int)started.StatusCode}: {page}");
        return new Uri(WebUtility.HtmlDecode(refresh.Groups[1].Value));
    }

    private async Task<string> RefusalAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var page = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {page}");
        Assert.Contains($"data-reason=\"{reason}\"", page);
        return page;
    }

    [OidcFact]
    public async Task A_member_signs_in_with_the_verified_email_the_provider_vouches_for()
    {
        // The sign-in page passes the email typed; its domain names the tenant (each spec's own, so no other tenant lists it).
        var domain = $"t{Guid.NewGuid():N}.test";
        var tenant = await sso.TenantWithSsoAsync(allowedDomains: [domain, "acme.test"], annIsMember: false);
        var member = await sso.MemberAsync(tenant.Id, "ann@acme.test");
        await sso.Dns.ProveAsync(tenant.Http, domain);
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?email=ann%40{domain}&returnUrl=%2Fadmin%2Ftemplates", SsoFixture.Ann);

        var done = await browser.GetAsync(Local(callback));
        var page = await done.Content.ReadAsStringAsync();
        Assert.True(done.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains("""<meta http-equiv="refresh" content="0;url=/admin/templates">""", page);   // same-site, so the Strict cookie goes along
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/templates")).StatusCode);   // signed in
        Assert.Equal(1, await sso.SessionsAsync(tenant.Id));
        Assert.Equal("sso", await sso.ScalarAsync<string>(
            "select after->>'method' from audit_log where tenant_id = $1 and action = 'member.sign_in' and target_id = $2", tenant.Id, member.Id.ToString()));
    }

    [OidcFact]
    public async Task A_person_of_an_allowed_domain_joins_with_the_default_role_when_just_in_time_membership_is_on()
    {
        var tenant = await sso.TenantWithSsoAsync(allowedDomains: ["acme.test"], defaultRole: "viewer", annIsMember: false);
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Local(callback))).StatusCode);
        Assert.Equal("viewer active", await sso.ScalarAsync<string>("select role || ' ' || status from members where tenant_id = $1 and email = 'ann@acme.test'", tenant.Id));
        Assert.Equal(1, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task A_verified_stranger_without_just_in_time_membership_and_a_disabled_member_are_refused()
    {
        var tenant = await sso.TenantWithSsoAsync(allowedDomains: ["acme.test"], annIsMember: false);
        var browser = sso.Browser();
        var page = await RefusalAsync(await browser.GetAsync(Local(await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann))),
            HttpStatusCode.Forbidden, "NotAMember");
        Assert.Contains("Ask an admin to invite you", page);
        Assert.Equal(0, await sso.ScalarAsync<long>("select count(*) from members where tenant_id = $1", tenant.Id));

        await sso.MemberAsync(tenant.Id, "ann@acme.test", status: "disabled");
        await RefusalAsync(await browser.GetAsync(Local(await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann))),
            HttpStatusCode.Forbidden, "MemberDisabled");
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task The_tenant_can_be_named_instead_of_an_email_and_an_outside_return_url_goes_to_the_overview()
    {
        var tenant = await sso.TenantWithSsoAsync();
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}&returnUrl=https%3A%2F%2Fevil.example%2F", SsoFixture.Ann);
        var page = await (await browser.GetAsync(Local(callback))).Content.ReadAsStringAsync();
        Assert.Contains("""content="0;url=/admin">""", page);
    }

    [OidcFact]
    public async Task A_tampered_state_is_refused()
    {
        var tenant = await sso.TenantWithSsoAsync();
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        var state = QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        var tampered = Local(callback).Replace(Uri.EscapeDataString(state), Uri.EscapeDataString(state[..^1] + (state[^1] == 'A' ? 'B' : 'A')));
        Assert.NotEqual(Local(callback), tampered);

        var page = await RefusalAsync(await browser.GetAsync(tampered), HttpStatusCode.BadRequest, "StateMismatch");
        Assert.Contains("Start the sign-in again", page);
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task A_redirect_carried_to_another_browser_is_refused()
    {
        var tenant = await sso.TenantWithSsoAsync();
        var callback = await ToCallbackAsync(sso.Browser(), $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        // Login CSRF: another browser (with a sign-in of its own under way) is handed the victim's redirect.
        var other = sso.Browser();
        await ToCallbackAsync(other, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        await RefusalAsync(await other.GetAsync(Local(callback)), HttpStatusCode.BadRequest, "StateMismatch");
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task A_replayed_code_is_refused_by_the_sign_in_and_by_the_provider()
    {
        var tenant = await sso.TenantWithSsoAsync();
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Local(callback))).StatusCode);

        // The same redirect again: the sign-in it belonged to is used up.
        await RefusalAsync(await browser.GetAsync(Local(callback)), HttpStatusCode.BadRequest, "StateMismatch");
        // The used code inside a fresh sign-in of the same browser: it reaches the provider, which refuses it.
        var fresh = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        var freshState = QueryHelpers.ParseQuery(fresh.Query)["state"].ToString();
        var replay = $"/admin/sso/callback?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(freshState)}";
        var page = await RefusalAsync(await browser.GetAsync(replay), HttpStatusCode.BadRequest, "CodeRefused");
        Assert.Contains("used already or has expired", page);
        Assert.Equal(1, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task An_id_token_for_another_audience_is_refused()
    {
        var tenant = await sso.TenantWithSsoAsync();
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        await Op.NextIdTokenAsync(aud: "another-application");
        var page = await RefusalAsync(await browser.GetAsync(Local(callback)), HttpStatusCode.Forbidden, "WrongAudience");
        Assert.Contains("issued for another application", page);
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task An_expired_id_token_is_refused()
    {
        var tenant = await sso.TenantWithSsoAsync();
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        await Op.NextIdTokenAsync(expiresIn: -600);   // ten minutes ago: well past the minute of clock skew
        var page = await RefusalAsync(await browser.GetAsync(Local(callback)), HttpStatusCode.Forbidden, "Expired");
        Assert.Contains("has expired", page);
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task An_unverified_email_is_refused()
    {
        var tenant = await sso.TenantWithSsoAsync(allowedDomains: ["acme.test"]);
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Uma);
        var page = await RefusalAsync(await browser.GetAsync(Local(callback)), HttpStatusCode.Forbidden, "EmailNotVerified");
        Assert.Contains("has not verified your email address", page);
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task An_email_outside_the_allowed_domains_is_refused()
    {
        var tenant = await sso.TenantWithSsoAsync(allowedDomains: ["acme.test"]);
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Oz);
        var page = await RefusalAsync(await browser.GetAsync(Local(callback)), HttpStatusCode.Forbidden, "DomainNotAllowed");
        Assert.Contains("domain is not one this organisation allows", page);
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
    }

    [OidcFact]
    public async Task An_email_domain_that_no_tenant_or_several_tenants_list_finds_no_provider()
    {
        var page = await RefusalAsync(await sso.Browser().GetAsync("/admin/sso/start?email=someone%40nowhere-listed.test"), HttpStatusCode.NotFound, "DomainUnknown");
        Assert.Contains("own sign-in link (it names the organisation)", page);
        var shared = $"s{Guid.NewGuid():N}.test";
        foreach (var tenant in new[] { await sso.TenantWithSsoAsync(allowedDomains: [shared]), await sso.TenantWithSsoAsync(allowedDomains: [shared]) })
            await sso.Dns.ProveAsync(tenant.Http, shared);   // the domain's owner let both prove it
        await RefusalAsync(await sso.Browser().GetAsync($"/admin/sso/start?email=someone%40{shared}"), HttpStatusCode.NotFound, "DomainUnknown");
    }

    [OidcFact]
    public async Task No_client_secret_in_any_answer_or_log_line()
    {
        var tenant = await sso.TenantWithSsoAsync(allowedDomains: ["acme.test"]);
        var browser = sso.Browser();
        var answers = new List<string>();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        answers.Add(await (await browser.GetAsync(Local(callback))).Content.ReadAsStringAsync());
        answers.Add(await tenant.Http.GetStringAsync("/api/v1/admin/sso"));
        answers.Add(await tenant.Http.GetStringAsync("/api/v1/admin/audit"));

        Assert.Equal(1, await sso.SessionsAsync(tenant.Id));   // the code went to the provider with the secret
        Assert.NotEmpty(sso.LogLines);
        Assert.DoesNotContain(answers.Concat(sso.LogLines), text => text.Contains(OidcProvider.ClientSecret));
        var stored = await sso.ScalarAsync<byte[]>("select client_secret from tenant_sso where tenant_id = $1", tenant.Id);
        Assert.DoesNotContain(OidcProvider.ClientSecret, System.Text.Encoding.UTF8.GetString(stored!));   // sealed at rest
    }

    [OidcFact]
    public async Task A_client_registered_to_send_its_secret_in_the_authorization_header_signs_in_and_the_secret_is_logged_in_neither_form()
    {
        var tenant = await sso.TenantWithSsoAsync(clientId: OidcProvider.BasicClientId, clientSecret: OidcProvider.BasicClientSecret);
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        var landed = await browser.GetAsync(Local(callback));
        Assert.True(landed.StatusCode == HttpStatusCode.OK, $"{(int)landed.StatusCode}: {await landed.Content.ReadAsStringAsync()}");
        Assert.Equal(1, await sso.SessionsAsync(tenant.Id));

        // The header carries id and secret form-encoded, then base64 (RFC 6749, 2.3.1): the secret's ':', '+' and '/' survive it.
        var header = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            $"{OidcProvider.BasicClientId}:{WebUtility.UrlEncode(OidcProvider.BasicClientSecret)}"));
        Assert.DoesNotContain(sso.LogLines, line => line.Contains(OidcProvider.BasicClientSecret) || line.Contains(header));
    }

    [OidcFact]
    public async Task A_client_secret_the_provider_refuses_is_a_refusal_naming_the_client_settings_with_no_session()
    {
        var tenant = await sso.TenantWithSsoAsync(clientSecret: "not-the-secret-the-provider-gave");
        var browser = sso.Browser();
        var callback = await ToCallbackAsync(browser, $"/admin/sso/start?tenant={tenant.Id}", SsoFixture.Ann);
        var page = await RefusalAsync(await browser.GetAsync(Local(callback)), HttpStatusCode.Conflict, "ClientRefused");
        Assert.Contains("refused this console's client id or secret", WebUtility.HtmlDecode(page));
        Assert.Equal(0, await sso.SessionsAsync(tenant.Id));
    }
}
