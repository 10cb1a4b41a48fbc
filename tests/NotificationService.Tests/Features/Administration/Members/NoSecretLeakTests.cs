using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Sso;
using NotificationService.Tests.Support;
using NotificationService.Tests.Support.Oidc;
using OtpNet;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// A member's secrets are shown in the one answer that makes them and never again: the password, the TOTP secret and
/// recovery codes, the invitation link, the member's API token and the SSO client secret are in no later answer (pages of
/// every role that may read messages, the admin API), in no log line, and not in the audit log. The invitation email is
/// stored like any message, so the pages that show messages hide its link.
/// </summary>
[Collection("sso")]
public partial class NoSecretLeakTests(SsoFixture sso)
{
    private sealed class OidcFactAttribute : FactAttribute
    {
        public OidcFactAttribute() { if (OidcProvider.Missing is { } reason) Skip = reason; }
    }

    private const string Password = "a long and private passphrase";

    [OidcFact]
    public async Task No_member_secret_is_in_a_later_answer_a_log_line_or_the_audit_log()
    {
        var tenant = await sso.NewTenantAsync(channels: "email");
        var put = await tenant.Http.PutAsJsonAsync("/api/v1/admin/sso", new
        {
            issuer = sso.Provider!.Issuer, clientId = OidcProvider.ClientId, clientSecret = OidcProvider.ClientSecret, allowedDomains = Array.Empty<string>(),
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        var invited = await tenant.Http.PostJsonAsync("/api/v1/admin/members/invitations", new { email, role = "admin" });
        var inviteUrl = (await invited.JsonAsync())["inviteUrl"]!.GetValue<string>();
        var inviteSecret = inviteUrl[(inviteUrl.LastIndexOf('.') + 1)..];

        // The invited admin joins as a browser does: name and password, the second factor from the shown key, then a token.
        var browser = sso.Browser();
        var invitePath = new Uri(inviteUrl).PathAndQuery;
        var joined = await PostFormAsync(browser, invitePath, await browser.GetStringAsync(invitePath), ("name", "Ada"), ("password", Password));
        Assert.Equal("/admin/enrol", joined.Headers.Location?.OriginalString);
        var enrolPage = await browser.GetStringAsync("/admin/enrol");
        var totpSecret = WebUtility.HtmlDecode(Regex.Match(enrolPage, @"id=""totp-secret"">([^<]+)<").Groups[1].Value);
        var code = new Totp(Base32Encoding.ToBytes(totpSecret)).ComputeTotp(DateTime.UtcNow);
        var enrolled = await (await PostFormAsync(browser, "/admin/enrol", enrolPage, ("code", code))).Content.ReadAsStringAsync();   // its form: a GET makes a new key
        var recoveryCodes = Regex.Matches(enrolled, @"<li><code>([^<]+)</code></li>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, recoveryCodes.Count);
        var tokenPage = await (await PostFormAsync(browser, "/admin/account?handler=Token", await browser.GetStringAsync("/admin/account"))).Content.ReadAsStringAsync();
        var apiToken = Regex.Match(tokenPage, @"<code id=""new-token"">([^<]+)</code>").Groups[1].Value;
        Assert.StartsWith("nsm_", apiToken);
        using var api = sso.Factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);

        // The invitation went through the sandbox; its pages are read by the new admin and by an editor.
        var invitation = await Eventually.Async(() => sso.ScalarAsync<Guid?>(
            "select notification_id from sandbox_messages where tenant_id = $1 and recipient::text like '%' || $2 || '%'", tenant.Id, email),
            id => id is not null, "the invitation in the sandbox");
        var (_, editor) = await TeamMembers.SignedInAsync(sso.Factory.Services, tenant.Id, "editor");
        using var editorBrowser = sso.Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var answers = new List<string>();
        foreach (var page in RoleTable.Console.Keys.Where(k => k.StartsWith("GET ") && !k.Contains('{') && !k.Contains("?handler")).Select(k => k[4..])
                     .Concat([$"/admin/notifications/{invitation}", "/admin/account"]))
        {
            using var asAdmin = await browser.GetAsync(page);   // whatever the status: a page that needs a parameter still answers something
            answers.Add(await asAdmin.Content.ReadAsStringAsync());
            using var asEditor = await editorBrowser.SendAsync(TeamMembers.Request(HttpMethod.Get, page, editor));
            answers.Add(await asEditor.Content.ReadAsStringAsync());
        }
        Assert.Contains(answers, a => a.Contains(LinksHidden.Marker));   // the invitation's message was shown, its link hidden
        foreach (var path in new[] { "/api/v1/admin/members", "/api/v1/admin/sso", "/api/v1/admin/audit", $"/api/v1/services/notifications/{invitation}" })
            answers.Add(await tenant.Http.GetStringAsync(path));
        answers.Add(await api.GetStringAsync("/api/v1/admin/members"));
        var audit = string.Join("\n", await AuditRowsAsync(tenant.Id));
        Assert.Contains("member.api_token", audit);

        var secrets = new Dictionary<string, string>
        {
            ["password"] = Password, ["TOTP secret"] = totpSecret, ["invitation link"] = inviteSecret, ["API token"] = apiToken[(apiToken.IndexOf('.') + 1)..],
            ["SSO client secret"] = OidcProvider.ClientSecret,
        };
        foreach (var (i, recovery) in recoveryCodes.Index()) secrets[$"recovery code {i}"] = recovery;
        Assert.NotEmpty(sso.LogLines);
        var found = secrets.SelectMany(s => new[]
        {
            answers.Any(a => a.Contains(s.Value)) ? $"{s.Key} in a later answer" : null,
            sso.LogLines.Any(l => l.Contains(s.Value)) ? $"{s.Key} in a log line" : null,
            audit.Contains(s.Value) ? $"{s.Key} in the audit log" : null,
        }).OfType<string>().ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>A console form posted as the browser would: the antiforgery field of the page that carries it, then the fields.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, string page, params (string Name, string Value)[] fields)
    {
        var csrf = WebUtility.HtmlDecode(Regex.Match(page, @"name=""__csrf""[^>]*value=""([^""]+)""|value=""([^""]+)""[^>]*name=""__csrf""") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) : throw new Xunit.Sdk.XunitException($"no form on {path}"));
        return await browser.PostAsync(path, new FormUrlEncodedContent([new("__csrf", csrf), .. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))]));
    }

    private async Task<List<string>> AuditRowsAsync(Guid tenantId)
    {
        await using var cmd = sso.Db.CreateCommand("select a::text from audit_log a where tenant_id = $1");
        cmd.Parameters.AddWithValue(tenantId);
        var rows = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(r.GetString(0));
        return rows;
    }
}
