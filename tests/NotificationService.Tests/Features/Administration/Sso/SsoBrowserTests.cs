using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;
using NotificationService.Tests.Support.Oidc;
using static Microsoft.Playwright.Assertions;

namespace NotificationService.Tests.Features.Administration.Sso;

/// <summary>
/// The service on a real port for chromium, with the test provider on another site: the browser opens the console at
/// `localhost` and signs in at the provider on `127.0.0.1`, so the way back is a cross-site navigation, as with a real
/// identity provider (a SameSite=Strict session cookie set during it must still reach the console).
/// </summary>
public sealed class SsoBrowserFixture : ServiceFixture, IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    public OidcProvider? Provider { get; private set; }

    protected override bool RealServer => true;
    public FakeDns Dns { get; } = new();

    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<NotificationService.Features.Administration.Sso.ISsoDomainTxtLookup>(Dns));

    public Uri Console => new(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        .Replace("[::]", "localhost").Replace("0.0.0.0", "localhost").Replace("127.0.0.1", "localhost"));

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        if (OidcProvider.Missing is null && File.Exists(ConsoleFixture.Chromium))
            Provider = await OidcProvider.StartAsync(new Uri(Console, "/admin/sso/callback").ToString(), SsoFixture.Ann);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (Provider is not null) await Provider.DisposeAsync();
        await DisposeAsync();
    }

    public async Task<IPage> NewPageAsync()
    {
        if (_browser is null)
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ConsoleFixture.Chromium, Args = ["--no-sandbox"] });
        }
        var context = await _browser.NewContextAsync(new() { BaseURL = Console.ToString().TrimEnd('/') });
        return await BrowserPatience.Apply(context).NewPageAsync();
    }
}

[CollectionDefinition("sso-browser")]
public sealed class SsoBrowserCollection : ICollectionFixture<SsoBrowserFixture>;

[Collection("sso-browser")]
public class SsoBrowserTests(SsoBrowserFixture sso)
{
    private sealed class BrowserAndOidcFactAttribute : FactAttribute
    {
        public BrowserAndOidcFactAttribute()
        {
            if (!File.Exists(ConsoleFixture.Chromium)) Skip = $"Browser specs skipped: {ConsoleFixture.Chromium} not found. Install: bash scripts/install-test-tools.sh chromium";
            else if (OidcProvider.Missing is { } reason) Skip = reason;
        }
    }

    [BrowserAndOidcFact]
    public async Task A_member_signs_in_through_the_teams_identity_provider_and_lands_in_the_console()
    {
        var tenant = await sso.NewTenantAsync(null);
        var put = await tenant.Http.PutAsync("/api/v1/admin/sso", JsonContent.Create(new
        {
            issuer = sso.Provider!.Issuer, clientId = OidcProvider.ClientId, clientSecret = OidcProvider.ClientSecret, required = true,
        }));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await using (var scope = sso.Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<MemberStore>().CreateAsync(tenant.Id, SsoFixture.Ann.Email, "Ann", "editor", default);

        var page = await sso.NewPageAsync();
        WatchTheWay(page);
        await page.GotoAsync($"/admin/sign-in?tenant={tenant.Id}&returnUrl=%2Fadmin%2Ftemplates");
        // The team requires single sign-on, set up with an admin key: the password form is for owners alone.
        await Expect(page.Locator("#member-form h2")).ToHaveTextAsync("Owners: your own password and code");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your organisation's identity provider" }).ClickAsync();

        await ReachAsync(page, sso.Provider.Issuer);
        await page.GetByLabel("Login").FillAsync(SsoFixture.Ann.Login);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await ReachAsync(page, new Uri(sso.Console, "/admin/templates").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Templates");   // the session cookie came along: not sent back to sign-in
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "ns_console" && c.SameSite == SameSiteAttribute.Strict);
        Assert.Equal(1, await sso.ScalarAsync<long>("select count(*) from console_sessions where tenant_id = $1 and method = 'sso'", tenant.Id));
    }

    [BrowserAndOidcFact]
    public async Task The_work_address_form_takes_the_member_to_the_identity_provider_and_back()
    {
        var domain = $"t{Guid.NewGuid():N}.test";
        var tenant = await sso.NewTenantAsync(null);
        var put = await tenant.Http.PutAsync("/api/v1/admin/sso", JsonContent.Create(new
        {
            issuer = sso.Provider!.Issuer, clientId = OidcProvider.ClientId, clientSecret = OidcProvider.ClientSecret, allowedDomains = new[] { domain, "acme.test" },
        }));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await using (var scope = sso.Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<MemberStore>().CreateAsync(tenant.Id, SsoFixture.Ann.Email, "Ann", "editor", default);
        await sso.Dns.ProveAsync(tenant.Http, domain);

        var page = await sso.NewPageAsync();
        WatchTheWay(page);
        await page.GotoAsync("/admin/sign-in");
        await page.GetByLabel("Your work address, for single sign-on").FillAsync($"ann@{domain}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use single sign-on" }).ClickAsync();

        await ReachAsync(page, sso.Provider.Issuer);   // the console's CSP let the browser go
        await page.GetByLabel("Login").FillAsync(SsoFixture.Ann.Login);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        Assert.Equal(1, await sso.ScalarAsync<long>("select count(*) from console_sessions where tenant_id = $1 and method = 'sso'", tenant.Id));
    }

    // A wait that times out says where the browser was and what it saw on the way, not only "Timeout 30000ms exceeded".
    private readonly List<string> _way = [];

    private void WatchTheWay(IPage page)
    {
        page.FrameNavigated += (_, f) => { if (f == page.MainFrame) Note($"navigated to {f.Url}"); };
        page.Response += (_, r) => Note($"{r.Status} {r.Request.Method} {r.Url}");
        page.RequestFailed += (_, r) => Note($"failed {r.Method} {r.Url}: {r.Failure}");
        page.Console += (_, m) => Note($"console {m.Type}: {m.Text}");
    }

    private void Note(string line) { lock (_way) _way.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"); }

    private async Task ReachAsync(IPage page, string urlStart)
    {
        try { await page.WaitForURLAsync(url => url.StartsWith(urlStart)); }
        catch (TimeoutException e)
        {
            string text, way;
            try { text = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 }); }
            catch (Exception ex) when (ex is PlaywrightException or TimeoutException) { text = "(no body)"; }
            lock (_way) way = string.Join("\n", _way);
            throw new TimeoutException($"Not at {urlStart} after {e.Message}; the page is {page.Url}, reading: " +
                $"{text[..Math.Min(text.Length, 300)]}\nOn the way:\n{way}", e);
        }
    }
}
