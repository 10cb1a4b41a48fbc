using Microsoft.Playwright;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Tests.Features.Administration.Members;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>A member of a given role signed in to the running console: as plain HTTP, or as a browser page.</summary>
public static class MemberClients
{
    public static async Task<HttpClient> HttpAsync(ConsoleFixture console, Guid tenantId, string role)
    {
        var (_, session) = await TeamMembers.SignedInAsync(console.Factory.Services, tenantId, role);
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        var http = new HttpClient(handler) { BaseAddress = console.BaseAddress };
        http.DefaultRequestHeaders.Add("Cookie", $"{ConsoleSessionAuthenticationHandler.CookieName}={session}");
        return http;
    }

    public static async Task<IPage> PageAsync(ConsoleFixture console, Guid tenantId, string role)
    {
        var (_, session) = await TeamMembers.SignedInAsync(console.Factory.Services, tenantId, role);
        var page = await console.NewPageAsync();
        await page.Context.AddCookiesAsync([new Cookie
        {
            Name = ConsoleSessionAuthenticationHandler.CookieName, Value = session,
            Url = console.BaseAddress.GetLeftPart(UriPartial.Authority), HttpOnly = true, SameSite = SameSiteAttribute.Strict,
        }]);
        return page;
    }
}
