using System.Net;
using System.Text.RegularExpressions;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>Signs in to the console through the form, carrying cookies by hand: a Secure cookie must still be sent back over
/// the test's plain-http hop, as the TLS-terminating proxy would.</summary>
internal static partial class ProxiedSignIn
{
    [GeneratedRegex(@"name=""__csrf""[^>]*value=""([^""]+)""")]
    private static partial Regex TokenField();

    /// <summary>The Set-Cookie line of the session cookie a sign-in answered with, or null.</summary>
    public static async Task<string?> SessionCookieAsync(Uri baseAddress, string apiKey, params (string Name, string Value)[] proxyHeaders)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        var get = new HttpRequestMessage(HttpMethod.Get, "/admin/sign-in");
        foreach (var (n, v) in proxyHeaders) get.Headers.TryAddWithoutValidation(n, v);
        using var page = await http.SendAsync(get);
        var token = WebUtility.HtmlDecode(TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ns_console_af=", StringComparison.Ordinal)).Split(';')[0];

        var post = new HttpRequestMessage(HttpMethod.Post, "/admin/sign-in")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("apiKey", apiKey), KeyValuePair.Create("__csrf", token)]),
        };
        post.Headers.Add("Cookie", antiforgery);
        foreach (var (n, v) in proxyHeaders) post.Headers.TryAddWithoutValidation(n, v);
        using var answer = await http.SendAsync(post);
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)answer.StatusCode}");
        return answer.Headers.GetValues("Set-Cookie").SingleOrDefault(c => c.StartsWith("ns_console=", StringComparison.Ordinal));
    }

    public static bool IsSecure(string setCookie) => setCookie.Split(';').Any(a => a.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Behind a proxy named in `ForwardedHeaders:KnownProxies` (as the chart names its ingress), X-Forwarded-Proto makes the
/// console cookie Secure when the client came over https, and X-Forwarded-For is the client's address (the sign-in
/// throttle, <see cref="SignInThrottleTests"/>).
/// </summary>
[Collection("behind-proxy")]
public class ForwardedHeadersTests(BehindProxyFixture service)
{
    [Fact]
    public async Task Behind_a_known_proxy_a_client_that_came_over_https_gets_a_Secure_console_cookie()
    {
        var tenant = await service.NewTenantAsync(null);
        var overHttps = await ProxiedSignIn.SessionCookieAsync(service.BaseAddress, tenant.ApiKey, ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.50"));
        Assert.NotNull(overHttps);
        Assert.True(ProxiedSignIn.IsSecure(overHttps), overHttps);
        Assert.Contains("httponly", overHttps, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", overHttps, StringComparison.OrdinalIgnoreCase);

        var overHttp = await ProxiedSignIn.SessionCookieAsync(service.BaseAddress, tenant.ApiKey, ("X-Forwarded-Proto", "http"), ("X-Forwarded-For", "203.0.113.50"));
        Assert.False(ProxiedSignIn.IsSecure(overHttp!), overHttp);
    }
}

/// <summary>Without `ForwardedHeaders:*` (the default) nobody's X-Forwarded-* is believed: a client cannot pick its own
/// scheme or address.</summary>
[Collection("console")]
public class ForwardedHeadersOffTests(ConsoleFixture console)
{
    [Fact]
    public async Task Forwarded_headers_from_a_peer_not_listed_are_ignored()
    {
        var tenant = await console.NewTenantAsync(null);
        var cookie = await ProxiedSignIn.SessionCookieAsync(console.BaseAddress, tenant.ApiKey, ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.60"));
        Assert.False(ProxiedSignIn.IsSecure(cookie!), cookie);

        // Failures "from" one address count against the real one (127.0.0.1): another claimed address is locked out too.
        var wrong = tenant.ApiKey[..13] + new string('A', 43);
        using var a = new ConsoleHttp(console.BaseAddress) { Headers = { ["X-Forwarded-For"] = "203.0.113.61" } };
        for (var i = 0; i < SignInThrottle.MaxFailures; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await a.SignInAsync(wrong)).StatusCode);
        using var b = new ConsoleHttp(console.BaseAddress) { Headers = { ["X-Forwarded-For"] = "198.51.100.61" } };
        Assert.Equal((HttpStatusCode)429, (await b.SignInAsync(tenant.ApiKey)).StatusCode);
    }
}
