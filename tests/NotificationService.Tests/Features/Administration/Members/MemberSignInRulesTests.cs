using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;
using OtpNet;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// Sign-in rules a tenant or an address brings: a tenant that requires a second factor sends every member to enrolment,
/// whatever their role; and one address trying passwords on many accounts is stopped, while the same member signs in
/// from elsewhere. Client addresses are the proxy's X-Forwarded-For, as behind the chart's ingress.
/// </summary>
[Collection("behind-proxy")]
public class MemberSignInRulesTests(BehindProxyFixture service)
{
    private const string Password = "a perfectly good passphrase";

    private ConsoleHttp From(string address) => new(service.BaseAddress) { Headers = { ["X-Forwarded-For"] = address } };

    private async Task<Member> MemberWithPasswordAsync(Guid tenantId, string role)
    {
        var member = await service.Factory.Services.GetRequiredService<MemberStore>()
            .CreateAsync(tenantId, $"{role}-{Guid.NewGuid():N}@example.com", $"A {role}", role, default);
        await service.Factory.Services.GetRequiredService<MemberCredentials>().SetPasswordAsync(member, Password, default);
        return member;
    }

    private static async Task<HttpResponseMessage> SignInAsync(ConsoleHttp browser, Guid tenantId, string email, string password) =>
        await browser.PostFormAsync("/admin/sign-in?handler=Member", await browser.TokenAsync($"/admin/sign-in?tenant={tenantId}"),
            [("tenant", tenantId.ToString()), ("email", email), ("password", password)]);

    [Fact]
    public async Task A_tenant_that_requires_a_second_factor_sends_an_editor_to_enrolment_instead_of_signing_them_in()
    {
        var tenant = await service.NewTenantAsync(null);
        var editor = await MemberWithPasswordAsync(tenant.Id, "editor");
        using (var before = From("198.51.100.41"))
            Assert.Equal("/admin", (await SignInAsync(before, tenant.Id, editor.Email, Password)).Headers.Location?.OriginalString);   // optional for editors

        var put = await tenant.Http.PutAsJsonAsync("/api/v1/admin/settings", new { allowHttpLinks = false, requireTotp = true });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True((await put.JsonAsync())["requireTotp"]!.GetValue<bool>());
        Assert.True((await tenant.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/v1/admin/settings"))!["requireTotp"]!.GetValue<bool>());
        using var after = From("198.51.100.42");
        var signIn = await SignInAsync(after, tenant.Id, editor.Email, Password);
        Assert.Equal("/admin/enrol", signIn.Headers.Location?.OriginalString);
        using var overview = await after.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, overview.StatusCode);             // no session until the second factor is on

        // A client that knows only allowHttpLinks leaves the requirement as it is.
        var older = await tenant.Http.PutAsJsonAsync("/api/v1/admin/settings", new { allowHttpLinks = true });
        Assert.True((await older.JsonAsync())["requireTotp"]!.GetValue<bool>());
    }

    [Fact]
    public async Task One_address_trying_many_accounts_is_stopped_and_the_same_member_signs_in_from_another_address()
    {
        var tenant = await service.NewTenantAsync(null);
        var editor = await MemberWithPasswordAsync(tenant.Id, "editor");
        using var sprayer = From("203.0.113.77");
        for (var i = 0; i < SignInThrottle.MaxFailuresPerAddress; i++)   // one guess per account: no account's own limit is reached
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(sprayer, tenant.Id, $"someone-{i}@example.com", Password)).StatusCode);
        using (var refused = await SignInAsync(sprayer, tenant.Id, editor.Email, Password))
        {
            Assert.Equal((HttpStatusCode)429, refused.StatusCode);                    // even the right password, from that address
            Assert.Contains("Too many failed sign-ins", await refused.Content.ReadAsStringAsync());
        }
        using var colleague = From("198.51.100.43");
        Assert.Equal("/admin", (await SignInAsync(colleague, tenant.Id, editor.Email, Password)).Headers.Location?.OriginalString);
    }

    /// <summary>Turns the member's second factor on, as enrolment does; the app's codes come from the returned generator.</summary>
    private async Task<Totp> SecondFactorAsync(Member member)
    {
        var credentials = service.Factory.Services.GetRequiredService<MemberCredentials>();
        var totp = new Totp(Base32Encoding.ToBytes(await credentials.BeginTotpAsync(member, default)));
        Assert.True(await credentials.CheckTotpAsync(member, totp.ComputeTotp(DateTime.UtcNow.AddSeconds(-30)), pending: true, default));
        return totp;
    }

    private static async Task<HttpResponseMessage> CodeAsync(ConsoleHttp browser, Guid tenantId, string code) =>
        await browser.PostFormAsync("/admin/sign-in?handler=Code", await browser.TokenAsync($"/admin/sign-in?tenant={tenantId}"), [("code", code)]);

    [Fact]
    public async Task Failures_from_other_addresses_slow_those_addresses_but_do_not_lock_the_owner_out()
    {
        var tenant = await service.NewTenantAsync(null);
        var owner = await MemberWithPasswordAsync(tenant.Id, "owner");
        var totp = await SecondFactorAsync(owner);
        for (var i = 0; i < SignInThrottle.MaxFailures; i++)   // one wrong password from each of five addresses: the account's own limit
        {
            using var attacker = From($"203.0.113.{100 + i}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(attacker, tenant.Id, owner.Email, "not the right passphrase")).StatusCode);
        }
        using (var again = From("203.0.113.100"))   // an address that failed on the account now waits, even with the right password
            Assert.Equal((HttpStatusCode)429, (await SignInAsync(again, tenant.Id, owner.Email, Password)).StatusCode);

        using var own = From("198.51.100.44");
        using var password = await SignInAsync(own, tenant.Id, owner.Email, Password);
        Assert.True(password.StatusCode == HttpStatusCode.OK, $"the owner's own address: {(int)password.StatusCode}");
        Assert.Contains("id=\"code-form\"", await password.Content.ReadAsStringAsync());
        using var code = await CodeAsync(own, tenant.Id, totp.ComputeTotp(DateTime.UtcNow));
        Assert.Equal("/admin", code.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_pending_sign_in_step_works_once_and_enrolment_is_refused_once_a_second_factor_is_on()
    {
        var tenant = await service.NewTenantAsync(null);
        var admin = await MemberWithPasswordAsync(tenant.Id, "admin");
        using var browser = From("198.51.100.45");
        Assert.Equal("/admin/enrol", (await SignInAsync(browser, tenant.Id, admin.Email, Password)).Headers.Location?.OriginalString);
        var enrolStep = browser.Cookies.GetCookies(new Uri(service.BaseAddress, "/admin/enrol"))[PendingSignIn.CookieName]!.Value;
        using var enrolPage = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin/enrol"));
        var html = await enrolPage.Content.ReadAsStringAsync();
        var totp = new Totp(Base32Encoding.ToBytes(Regex.Match(html, "id=\"totp-secret\">([A-Z2-7]+)<").Groups[1].Value));
        var token = System.Net.WebUtility.HtmlDecode(Regex.Match(html, "name=\"__csrf\"[^>]*value=\"([^\"]+)\"").Groups[1].Value);
        using (var enrolled = await browser.PostFormAsync("/admin/enrol", token, [("code", totp.ComputeTotp(DateTime.UtcNow.AddSeconds(-30)))]))
            Assert.Contains("id=\"recovery-codes\"", await enrolled.Content.ReadAsStringAsync());

        // The enrolment step replayed elsewhere: no new secret is shown, so the member's own authenticator keeps working.
        using var replay = From("203.0.113.46");
        replay.Cookies.Add(new Uri(service.BaseAddress, "/admin"), new System.Net.Cookie(PendingSignIn.CookieName, enrolStep, "/admin"));
        using var replayed = await replay.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin/enrol"));
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.DoesNotContain("totp-secret", await replayed.Content.ReadAsStringAsync());

        // The code step replayed after it signed the member in: refused, even with a right code.
        using var signIn = From("198.51.100.47");
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(signIn, tenant.Id, admin.Email, Password)).StatusCode);
        var codeStep = signIn.Cookies.GetCookies(new Uri(service.BaseAddress, "/admin/sign-in"))[PendingSignIn.CookieName]!.Value;
        Assert.Equal("/admin", (await CodeAsync(signIn, tenant.Id, totp.ComputeTotp(DateTime.UtcNow))).Headers.Location?.OriginalString);
        using var again = From("203.0.113.48");
        again.Cookies.Add(new Uri(service.BaseAddress, "/admin"), new System.Net.Cookie(PendingSignIn.CookieName, codeStep, "/admin"));
        using var reused = await CodeAsync(again, tenant.Id, totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)));
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal(2, await service.ScalarAsync<long>("select count(*) from console_sessions where tenant_id = $1 and member_id = $2", tenant.Id, admin.Id));   // enrolment's and the code's
    }
}
