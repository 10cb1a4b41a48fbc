using System.Net;
using System.Text.RegularExpressions;

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

    /// <summary>Signs in with <paramref name="apiKey"/> through the sign-in form; returns the answer (302 on success).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string apiKey, string? returnUrl = null, params (string Name, string Value)[] headers)
    {
        var token = await TokenAsync("/admin/sign-in");
        (string, string)[] fields = returnUrl is null ? [("apiKey", apiKey)] : [("apiKey", apiKey), ("returnUrl", returnUrl)];
        return await PostFormAsync("/admin/sign-in", token, fields, headers);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, value);
        return Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();
}
