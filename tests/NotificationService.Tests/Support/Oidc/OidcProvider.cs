using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using NotificationService.Tests.Features.Operations.Metrics;

namespace NotificationService.Tests.Support.Oidc;

/// <summary>A user the test provider knows: its login on the provider's form, its email and whether it is verified.</summary>
public sealed record OidcUser(string Login, string Email, bool Verified);

/// <summary>
/// A real OpenID Provider (npm `oidc-provider`, op.mjs beside this file) as a node process on a free loopback port, with
/// one confidential client (code flow, PKCE required) and the users given. Stopped with the fixture that owns it.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "notification-console";
    public const string ClientSecret = "op-client-secret-0b6f2c1e9d7a4f3b8e5c";
    /// <summary>A second client of the same provider, registered to present its secret in the Authorization header
    /// (`client_secret_basic`, Okta's default) where the first presents it in the form (`client_secret_post`).</summary>
    public const string BasicClientId = "notification-console-basic";
    public const string BasicClientSecret = "op-basic-secret-7c1d9e4a2b6f8035:+/";

    private readonly Process _node;
    public string Issuer { get; }

    private OidcProvider(Process node, string issuer) { _node = node; Issuer = issuer; }

    /// <summary>Where scripts/install-test-tools.sh puts the package.</summary>
    public static string ToolsDirectory => Path.Combine(MetricsEndpointTests.RepositoryRoot(), ".tools");

    /// <summary>Null when the provider can run here; otherwise the skip reason, naming the command that installs it.</summary>
    public static string? Missing =>
        File.Exists(Path.Combine(ToolsDirectory, "node_modules", "oidc-provider", "package.json")) && NodeOnPath
            ? null : "Single sign-on specs skipped: oidc-provider (npm, in .tools/) or node not found. Install: bash scripts/install-test-tools.sh oidc-provider";

    private static string Script => Path.Combine(MetricsEndpointTests.RepositoryRoot(), "tests", "NotificationService.Tests", "Support", "Oidc", "op.mjs");

    private static bool NodeOnPath => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "node")));

    public static async Task<OidcProvider> StartAsync(string redirectUri, params OidcUser[] users)
    {
        var config = JsonSerializer.Serialize(new
        {
            tools = ToolsDirectory,
            clients = new[]
            {
                new { client_id = ClientId, client_secret = ClientSecret, redirect_uris = new[] { redirectUri },
                      token_endpoint_auth_method = "client_secret_post" },
                new { client_id = BasicClientId, client_secret = BasicClientSecret, redirect_uris = new[] { redirectUri },
                      token_endpoint_auth_method = "client_secret_basic" },
            },
            users = users.Select(u => new { login = u.Login, email = u.Email, verified = u.Verified }),
        });
        var start = new ProcessStartInfo("node", [Script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["OP_CONFIG"] = config;
        var node = Process.Start(start)!;
        var errors = new StringBuilder();
        node.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        node.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await node.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                if (line.StartsWith("listening ", StringComparison.Ordinal)) return new OidcProvider(node, line["listening ".Length..].Trim());
        }
        catch (OperationCanceledException) { }
        node.Kill(entireProcessTree: true);
        lock (errors) throw new InvalidOperationException($"the test OpenID Provider did not start:\n{errors}");
    }

    /// <summary>The next ID token the provider issues is re-signed with these claims changed (op.mjs, the one knob).</summary>
    public async Task NextIdTokenAsync(string? aud = null, int? expiresIn = null)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync($"{Issuer}/__test/next-id-token",
            new StringContent(JsonSerializer.Serialize(new { aud, expiresIn }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }),
                Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>
    /// A person at the provider: follows its redirects from <paramref name="authorizeUrl"/>, types <paramref name="login"/>
    /// into its form, and returns the URL the provider sends the browser back to (the relying party's callback).
    /// </summary>
    public async Task<Uri> SignInAsync(Uri authorizeUrl, string login, string callbackPrefix)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
        var url = authorizeUrl;
        for (var step = 0; step < 10; step++)
        {
            using var response = await browser.GetAsync(url);
            var next = response.Headers.Location;
            if (next is null && response.StatusCode == HttpStatusCode.OK)
            {
                using var posted = await browser.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = login }));
                next = posted.Headers.Location ?? throw new Xunit.Sdk.XunitException($"the provider's form answered {(int)posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
            }
            else if (next is null) throw new Xunit.Sdk.XunitException($"the provider answered {(int)response.StatusCode} at {url}: {await response.Content.ReadAsStringAsync()}");
            url = next.IsAbsoluteUri ? next : new Uri(new Uri(Issuer), next);
            if (url.ToString().StartsWith(callbackPrefix, StringComparison.Ordinal)) return url;
        }
        throw new Xunit.Sdk.XunitException($"the provider never sent the browser back to {callbackPrefix} (last: {url})");
    }

    public async ValueTask DisposeAsync()
    {
        try { _node.StandardInput.Close(); await _node.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token); }
        catch (OperationCanceledException) { _node.Kill(entireProcessTree: true); }
        _node.Dispose();
    }
}
