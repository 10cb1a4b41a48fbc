using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>Signs a member in to the console through the form (email and password), carrying cookies by hand: a Secure
/// cookie must still be sent back over the test's plain-http hop, as the TLS-terminating proxy would.</summary>
internal static partial class ProxiedSignIn
{
    public const string Password = "a perfectly good passphrase";

    /// <summary>An active editor with <see cref="Password"/> (an editor needs no second factor to sign in).</summary>
    public static async Task<Member> EditorAsync(IServiceProvider services, Guid tenantId)
    {
        var member = await services.GetRequiredService<MemberStore>().CreateAsync(tenantId, $"editor-{Guid.NewGuid():N}@example.com", "An editor", MemberRoles.Editor, default);
        await services.GetRequiredService<MemberCredentials>().SetPasswordAsync(member, Password, default);
        return member;
    }

    [GeneratedRegex(@"name=""__csrf""[^>]*value=""([^""]+)""")]
    private static partial Regex TokenField();

    /// <summary>The Set-Cookie line of the session cookie a sign-in answered with, or null.</summary>
    public static async Task<string?> SessionCookieAsync(Uri baseAddress, Member member, params (string Name, string Value)[] proxyHeaders)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        var get = new HttpRequestMessage(HttpMethod.Get, "/admin/sign-in");
        foreach (var (n, v) in proxyHeaders) get.Headers.TryAddWithoutValidation(n, v);
        using var page = await http.SendAsync(get);
        var token = WebUtility.HtmlDecode(TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ns_console_af=", StringComparison.Ordinal)).Split(';')[0];

        var post = new HttpRequestMessage(HttpMethod.Post, "/admin/sign-in?handler=Member")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("tenant", member.TenantId.ToString()), KeyValuePair.Create("email", member.Email),
                KeyValuePair.Create("password", Password), KeyValuePair.Create("__csrf", token)]),
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
        var editor = await ProxiedSignIn.EditorAsync(service.Factory.Services, tenant.Id);
        var overHttps = await ProxiedSignIn.SessionCookieAsync(service.BaseAddress, editor, ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.50"));
        Assert.NotNull(overHttps);
        Assert.True(ProxiedSignIn.IsSecure(overHttps), overHttps);
        Assert.Contains("httponly", overHttps, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", overHttps, StringComparison.OrdinalIgnoreCase);

        var overHttp = await ProxiedSignIn.SessionCookieAsync(service.BaseAddress, editor, ("X-Forwarded-Proto", "http"), ("X-Forwarded-For", "203.0.113.50"));
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
        var editor = await ProxiedSignIn.EditorAsync(console.Factory.Services, tenant.Id);
        var cookie = await ProxiedSignIn.SessionCookieAsync(console.BaseAddress, editor, ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.60"));
        Assert.False(ProxiedSignIn.IsSecure(cookie!), cookie);

        // Failures "from" one address count against the real one (127.0.0.1): another claimed address is stopped too.
        // (One guess per unknown account, so only the address's own limit is reached, never an account's.)
        var throttle = console.Factory.Services.GetRequiredService<SignInThrottle>();
        throttle.Clear();   // the collection's earlier specs' failures from 127.0.0.1 (wrong passwords, a pasted key) count too
        try
        {
            using var a = new ConsoleHttp(console.BaseAddress) { Headers = { ["X-Forwarded-For"] = "203.0.113.61" } };
            for (var i = 0; i < SignInThrottle.MaxFailuresPerAddress; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await a.SignInWithPasswordAsync(tenant.Id, $"nobody-{i}@example.com", ProxiedSignIn.Password, "/admin")).StatusCode);
            using var b = new ConsoleHttp(console.BaseAddress) { Headers = { ["X-Forwarded-For"] = "198.51.100.61" } };
            Assert.Equal((HttpStatusCode)429, (await b.SignInWithPasswordAsync(tenant.Id, editor.Email, ProxiedSignIn.Password, "/admin")).StatusCode);
        }
        finally
        {
            throttle.Clear();   // the console's other specs sign in from 127.0.0.1 too
        }
    }
}
