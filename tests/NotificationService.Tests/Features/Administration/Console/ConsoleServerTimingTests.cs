using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Console pages say their server time (`Server-Timing`), which the bench's console phase reads per page.</summary>
[Collection("console")]
public class ConsoleServerTimingTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_console_page_answers_with_its_server_time()
    {
        var tenant = await console.NewTenantAsync(sandboxSettingsJson: null);
        var (_, token) = await TeamMembers.SignedInAsync(console.Factory.Services, tenant.Id, MemberRoles.Owner);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = console.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/notifications?recipient=someone%40example.com");
        request.Headers.Add("Cookie", $"{ConsoleSessionAuthenticationHandler.CookieName}={token}");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var timing = Assert.Single(response.Headers.GetValues("Server-Timing"));
        Assert.Matches(new Regex(@"^app;dur=\d+\.\d\d$"), timing);
    }
}
