using System.Net;
using System.Text.RegularExpressions;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The console over plain HTTP, as a browser would drive its forms but without one: cookies kept, redirects not followed,
/// the antiforgery token read from the page that carries the form. For specs about what the server accepts (headers,
/// addresses), where a real browser adds nothing and could not send what the spec needs.
/// </summary>
public sealed partial class ConsoleHttp : IDisposable
{
    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }
    /// <summary>Headers added to every request (e.g. what a proxy in front would add).</summary>
    public Dictionary<string, string> Headers { get; } = [];

    public ConsoleHttp(Uri baseAddress) =>
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true }) { BaseAddress = baseAddress };

    [GeneratedRegex(@"name=""__csrf""[^>]*value=""([^""]+)""|value=""([^""]+)""[^>]*name=""__csrf""")]
    private static partial Regex TokenField();

    /// <summary>The antiforgery token of the first form on <paramref name="page"/> (GET; also sets the antiforgery cookie).</summary>
    public async Task<string> TokenAsync(string page)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, page));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {page}: {(int)response.StatusCode}");
        var m = TokenField().Match(html);
        Assert.True(m.Success, $"no antiforgery field on {page}");
        return WebUtility.HtmlDecode(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
    }

    /// <summary>Posts a form (urlencoded) with the page's token, plus any extra headers for this request.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string url, string token, IEnumerable<(string Name, string Value)> fields,
        params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent([.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value)), KeyValuePair.Create("__csrf", token)]),
        };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return await SendAsync(request);
    }

    /// <summary>Signs the tenant's owner in through a one-time sign-in link's form; returns the answer (302 to the overview).</summary>
    public async Task<HttpResponseMessage> SignInAsync(ConsoleFixture console, TestTenant tenant, params (string Name, string Value)[] headers)
    {
        var link = await console.OwnerSignInLinkAsync(tenant);
        return await PostFormAsync(link, await TokenAsync(link), [], headers);
    }

    /// <summary>Signs a member in with email and password through the sign-in form (a role that needs no second factor),
    /// with the form's returnUrl; returns the answer (302 on success).</summary>
    public async Task<HttpResponseMessage> SignInWithPasswordAsync(Guid tenantId, string email, string password, string returnUrl)
    {
        var token = await TokenAsync($"/admin/sign-in?tenant={tenantId}");
        return await PostFormAsync("/admin/sign-in?handler=Member", token,
            [("tenant", tenantId.ToString()), ("email", email), ("password", password), ("returnUrl", returnUrl)]);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, value);
        return Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();
}
