using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// Members for specs that are not about signing in: an active member of a role, and a console session for them opened
/// through the one call every sign-in ends in (<see cref="MemberSessions.StartSessionAsync"/>), as its cookie value.
/// </summary>
public static partial class TeamMembers
{
    public static async Task<(Member Member, string Session)> SignedInAsync(IServiceProvider services, Guid tenantId, string role)
    {
        var member = await services.GetRequiredService<MemberStore>()
            .CreateAsync(tenantId, $"{role}-{Guid.NewGuid():N}@example.com", $"A {role}", role, default);
        var http = new DefaultHttpContext { RequestServices = services };
        var token = await services.GetRequiredService<MemberSessions>().StartSessionAsync(http, tenantId, member.Id, MemberSessions.Password, default);
        Assert.Contains("httponly", http.Response.Headers.SetCookie.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", http.Response.Headers.SetCookie.ToString(), StringComparison.OrdinalIgnoreCase);
        return (member, token);
    }

    /// <summary>An active member of a role, with an HTTP client carrying their own admin API token (as their account page makes it).</summary>
    public static async Task<(Member Member, HttpClient Api)> WithTokenAsync(ServiceFixture service, Guid tenantId, string role)
    {
        var member = await service.Factory.Services.GetRequiredService<MemberStore>()
            .CreateAsync(tenantId, $"{role}-{Guid.NewGuid():N}@example.com", $"A {role}", role, default);
        return (member, await TokenClientAsync(service, member));
    }

    public static async Task<HttpClient> TokenClientAsync(ServiceFixture service, Member member)
    {
        var (token, _) = await service.Factory.Services.GetRequiredService<MemberApiTokens>()
            .CreateAsync(MemberSessions.PrincipalOf(member, MemberSessions.Password), default);
        var api = service.Factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    /// <summary>How many owners of the tenant can sign in (status active): the count the team may never take to zero.</summary>
    public static async Task<long> ActiveOwnersAsync(ServiceFixture service, Guid tenantId) =>
        await service.ScalarAsync<long>("select count(*) from members where tenant_id = $1 and role = 'owner' and status = 'active'", tenantId);

    /// <summary>A console request as that member's browser would send it (the session cookie, plus the antiforgery cookie when given).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string url, string session, string? antiforgeryCookie = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Cookie", $"{ConsoleSessionAuthenticationHandler.CookieName}={session}" + (antiforgeryCookie is null ? "" : $"; {antiforgeryCookie}"));
        return request;
    }

    /// <summary>GETs a page and returns its form's antiforgery token and the antiforgery cookie it set.</summary>
    public static async Task<(string Token, string Cookie)> AntiforgeryAsync(HttpClient http, string page, string session)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, page, session));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var token = TokenField().Match(html);
        Assert.True(token.Success, $"no antiforgery field on {page}");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ns_console_af", StringComparison.Ordinal)).Split(';')[0];
        return (WebUtility.HtmlDecode(token.Groups[1].Success ? token.Groups[1].Value : token.Groups[2].Value), cookie);
    }

    [GeneratedRegex(@"name=""__csrf""[^>]*value=""([^""]+)""|value=""([^""]+)""[^>]*name=""__csrf""")]
    private static partial Regex TokenField();
}
