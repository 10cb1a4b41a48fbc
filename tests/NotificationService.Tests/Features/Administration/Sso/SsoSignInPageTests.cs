using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Support.Oidc;

namespace NotificationService.Tests.Features.Administration.Sso;

/// <summary>
/// The sign-in page and single sign-on: a team with an identity provider gets a button that starts the sign-in there;
/// a team that requires it gets no password form, and a password sent anyway is refused before it is checked; unless
/// the provider does not reach owners (an admin set it up), when the form is for owners alone.
/// </summary>
[Collection("sso")]
public partial class SsoSignInPageTests(SsoFixture sso)
{
    [OidcFact]
    public async Task Sso_required_hides_the_password_form_and_refuses_a_password_sent_anyway()
    {
        var required = await sso.NewTenantAsync(null);
        await sso.PutSsoAsync(await sso.AsMemberAsync(required.Id, "owner"), required: true);   // an owner's: it reaches everyone
        await sso.MemberAsync(required.Id, SsoFixture.Ann.Email);
        var optional = await sso.TenantWithSsoAsync(required: false);
        var browser = sso.Browser();

        var page = await browser.GetStringAsync($"/admin/sign-in?tenant={required.Id}");
        Assert.DoesNotContain("id=\"member-form\"", page);
        Assert.DoesNotContain("id=\"password\"", page);
        Assert.Contains($"href=\"/admin/sso/start?tenant={required.Id}\"", page);
        var withPasswords = await browser.GetStringAsync($"/admin/sign-in?tenant={optional.Id}");
        Assert.Contains("id=\"member-form\"", withPasswords);
        Assert.Contains($"href=\"/admin/sso/start?tenant={optional.Id}\"", withPasswords);

        var posted = await browser.PostAsync($"/admin/sign-in?handler=Member&tenant={required.Id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["tenant"] = required.Id.ToString(), ["email"] = SsoFixture.Ann.Email, ["password"] = "correct horse battery staple",
            // The required team's page has no form at all now that keys no longer sign in there; the browser's token from
            // the other team's page is as valid (antiforgery pairs it with the browser's cookie, not the team).
            ["__csrf"] = Csrf(withPasswords),
        }));
        var answer = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode == HttpStatusCode.Forbidden, $"{(int)posted.StatusCode}: {answer}");
        Assert.Contains("signs in with single sign-on only", answer);
        Assert.Equal(0, await sso.ScalarAsync<long>("""
            select count(*) from console_sessions s join members m on m.tenant_id = s.tenant_id and m.id = s.member_id
            where s.tenant_id = $1 and m.email = lower($2)
            """, required.Id, SsoFixture.Ann.Email));   // the owner's API token is a session of its own
        Assert.Equal(0, await sso.ScalarAsync<long>("select count(*) from audit_log where tenant_id = $1 and action = 'member.sign_in_failed'", required.Id));
    }

    [OidcFact]
    public async Task Sso_required_by_an_admin_keeps_the_password_form_for_owners_alone()
    {
        var tenant = await sso.TenantWithSsoAsync(required: true, annIsMember: false);   // saved with the tenant's admin key
        var credentials = sso.Factory.Services.GetRequiredService<MemberCredentials>();
        var owner = await sso.MemberAsync(tenant.Id, $"owner-{Guid.NewGuid():N}@example.com", "owner");
        var editor = await sso.MemberAsync(tenant.Id, $"editor-{Guid.NewGuid():N}@example.com", "editor");
        foreach (var m in new[] { owner, editor }) await credentials.SetPasswordAsync(m, "correct horse battery staple", default);
        var browser = sso.Browser();
        var page = await browser.GetStringAsync($"/admin/sign-in?tenant={tenant.Id}");
        Assert.Contains("Owners: your own password and code", page);

        async Task<HttpResponseMessage> PasswordAsync(Member m) => await browser.PostAsync($"/admin/sign-in?handler=Member&tenant={tenant.Id}",
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["tenant"] = tenant.Id.ToString(), ["email"] = m.Email, ["password"] = "correct horse battery staple", ["__csrf"] = Csrf(page),
            }));
        var refused = await PasswordAsync(editor);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("signs in with single sign-on only", await refused.Content.ReadAsStringAsync());
        Assert.Equal("/admin/enrol", (await PasswordAsync(owner)).Headers.Location?.OriginalString);   // on to the owner's own second factor
    }

    [OidcFact]
    public async Task Without_a_known_team_the_page_offers_single_sign_on_by_work_address()
    {
        var page = await sso.Browser().GetStringAsync("/admin/sign-in");
        Assert.Contains("action=\"/admin/sso/start\"", page);
        Assert.Contains("id=\"member-form\"", page);
    }

    private static string Csrf(string page) => CsrfField().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new Xunit.Sdk.XunitException("no antiforgery field on the page");

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
