using Microsoft.Extensions.Logging;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.JobsDashboard;

/// <summary>
/// Hangfire's dashboard at /admin/jobs answers the operator team's owners, admins and operators (operators read-only) and
/// gives every other role, another tenant's owner and a visitor with no session what a missing page gets; its POSTs need
/// the console's antiforgery token.
/// </summary>
[Collection("console")]
public partial class JobsDashboardTests(ConsoleFixture console)
{
    private const string Recurring = "/admin/jobs/recurring";

    [Fact]
    public async Task The_operator_teams_owners_admins_and_operators_see_it_and_every_other_member_gets_a_missing_page()
    {
        var operators = await console.OperatorTenantAsync();
        foreach (var role in new[] { MemberRoles.Owner, MemberRoles.Admin, MemberRoles.Operator })
        {
            using var member = await SignedInAsync(operators.Id, role);
            using var page = await member.SendAsync(new HttpRequestMessage(HttpMethod.Get, Recurring));
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{role}: {(int)page.StatusCode}");
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("retention:Notifications", html);
            Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        }
        var other = await console.NewTenantAsync();
        foreach (var (tenant, role) in new[] { (operators.Id, MemberRoles.Editor), (operators.Id, MemberRoles.Viewer), (other.Id, MemberRoles.Owner) })
        {
            using var member = await SignedInAsync(tenant, role);
            using var page = await member.SendAsync(new HttpRequestMessage(HttpMethod.Get, Recurring));
            Assert.True(page.StatusCode == HttpStatusCode.NotFound, $"{role} of {(tenant == operators.Id ? "the operators" : "another tenant")}: {(int)page.StatusCode}");
        }
        using var visitor = new ConsoleHttp(console.BaseAddress);
        using var anonymous = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Get, Recurring));
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_the_operator_role_cannot_act()
    {
        var operators = await console.OperatorTenantAsync();
        using var admin = await SignedInAsync(operators.Id, MemberRoles.Admin);
        var (header, token) = await DashboardTokenAsync(admin);

        using var forged = await TriggerAsync(admin, null, null);
        Assert.False(forged.IsSuccessStatusCode, $"without the token: {(int)forged.StatusCode}");
        using var withToken = await TriggerAsync(admin, header, token);
        Assert.True(withToken.IsSuccessStatusCode, $"with the token: {(int)withToken.StatusCode}: " +
            string.Join(" | ", console.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Message).TakeLast(3)));

        using var op = await SignedInAsync(operators.Id, MemberRoles.Operator);
        var (opHeader, opToken) = await DashboardTokenAsync(op);
        using var readOnly = await TriggerAsync(op, opHeader, opToken);
        Assert.False(readOnly.IsSuccessStatusCode, $"the operator role acting: {(int)readOnly.StatusCode}");
    }

    [ChromiumFact]
    public async Task An_operator_opens_the_dashboard_from_the_queues_page_and_sees_the_recurring_maintenance()
    {
        var page = await console.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await page.SignInAtAsync(console, await console.OperatorTenantAsync(), "/admin/queues");
        await page.Locator("#jobs-dashboard a").ClickAsync();
        await page.GotoAsync(Recurring);
        await Assertions.Expect(page.GetByText("retention:Notifications").First).ToBeVisibleAsync();
        Assert.DoesNotContain(errors, e => e.Contains("Content Security Policy"));

        var stranger = await console.NewPageAsync();
        await stranger.SignInAtAsync(console, await console.NewTenantAsync(), "/admin/queues");
        Assert.Equal(0, await stranger.Locator("#jobs-dashboard").CountAsync());
        var refused = await stranger.GotoAsync(Recurring);
        Assert.Equal(404, refused!.Status);
    }

    private async Task<ConsoleHttp> SignedInAsync(Guid tenantId, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.com";
        await using var scope = console.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MemberStore>().CreateAsync(tenantId, email, $"The {role}", role, default);
        var link = await scope.ServiceProvider.GetRequiredService<MemberCommands>().SignInLinkAsync(tenantId, email, default);
        var path = new Uri(link!.Value.Url).AbsolutePath;
        var http = new ConsoleHttp(console.BaseAddress);
        using var signedIn = await http.PostFormAsync(path, await http.TokenAsync(path), []);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"signing in the {role}: {(int)signedIn.StatusCode}");
        return http;
    }

    [GeneratedRegex(@"<meta name=""csrf-header"" content=""([^""]+)""\s*/?>\s*<meta name=""csrf-token"" content=""([^""]+)""")]
    private static partial Regex AntiforgeryData();

    private static async Task<(string Header, string Token)> DashboardTokenAsync(ConsoleHttp member)
    {
        using var page = await member.SendAsync(new HttpRequestMessage(HttpMethod.Get, Recurring));
        var m = AntiforgeryData().Match(await page.Content.ReadAsStringAsync());
        Assert.True(m.Success, "the dashboard's page carries its antiforgery token");
        return (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value));
    }

    private async Task<HttpResponseMessage> TriggerAsync(ConsoleHttp member, string? header, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Recurring + "/trigger")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("jobs[]", "retention:AuditLog")]),
        };
        request.Headers.TryAddWithoutValidation("Origin", console.BaseAddress.GetLeftPart(UriPartial.Authority));
        if (header is not null) request.Headers.TryAddWithoutValidation(header, token);
        return await member.SendAsync(request);
    }
}
