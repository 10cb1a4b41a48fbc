using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.People.InboxSdk;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.InboxSdk;

/// <summary>
/// The service on a real Kestrel port, a tenant app on two other loopback ports (other origins) and one chromium
/// (Debian's chromium-headless-shell, as the console's specs). Pages of one browser context are tabs of one browser: they
/// share Web Locks and BroadcastChannels.
/// </summary>
public sealed class InboxBrowserFixture : ServiceFixture, IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    public TenantApp App { get; private set; } = null!;

    protected override bool RealServer => true;

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Inbox:KeepAliveSeconds", "5");

    public Uri BaseAddress => new(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));

    public string ServiceUrl => BaseAddress.ToString().TrimEnd('/');

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        App = await TenantApp.StartAsync(Factory.Services.GetRequiredService<SdkFiles>().Inbox.Integrity);
    }

    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900, string? baseUrl = null, ColorScheme colorScheme = ColorScheme.Light)
    {
        if (_browser is null)
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ConsoleFixture.Chromium, Args = ["--no-sandbox"] });
        }
        var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = baseUrl, ColorScheme = colorScheme });
        return BrowserPatience.Apply(context);
    }

    /// <summary>A tenant whose web app's (first) origin is listed, and whose app page can mint its users' tokens.</summary>
    public async Task<TestTenant> AppTenantAsync(string serviceUrl)
    {
        var tenant = await NewTenantAsync(null);
        await tenant.Http.PutJsonAsync("/api/v1/admin/web-origins", new { origins = new[] { App.Origin } });
        App.Register(tenant.Id, serviceUrl, tenant.ApiKey);
        return tenant;
    }

    /// <summary>`inbox_live_streams` as /metrics shows it now.</summary>
    public static async Task<int> LiveStreamsAsync(string serviceUrl)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(serviceUrl + "/metrics");
        return int.Parse(Regex.Match(text, @"(?m)^inbox_live_streams (\d+)").Groups[1].Value);
    }

    public new async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition("inbox-browser"), StartsFirst(5)]
public sealed class InboxBrowserCollection : ICollectionFixture<InboxBrowserFixture>;

/// <summary>What the specs read and do on a page's `&lt;notification-inbox&gt;` (its shadow root is open: Playwright's CSS pierces it).</summary>
public static class InboxPage
{
    public static ILocator Inbox(this IPage page) => page.Locator("notification-inbox");
    public static ILocator Bell(this IPage page) => page.Locator("notification-inbox .bell");
    public static ILocator Items(this IPage page) => page.Locator("notification-inbox li");
    public static ILocator Item(this IPage page, string title) => page.Locator("notification-inbox li", new() { HasText = title });

    /// <summary>Waits until the badge's exact number (the host's `unread-count`) is <paramref name="unread"/>.</summary>
    public static Task ExpectUnreadAsync(this IPage page, int unread) =>
        Assertions.Expect(page.Inbox()).ToHaveAttributeAsync("unread-count", unread.ToString());

    public static async Task OpenAsync(this IPage page)
    {
        await page.Bell().ClickAsync();
        await Assertions.Expect(page.Locator("notification-inbox .pop")).ToBeVisibleAsync();
    }

    public static async Task<IPage> OpenAppAsync(this IBrowserContext context, string url)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Bell()).ToBeVisibleAsync();
        return page;
    }
}

/// <summary>A theory that skips, saying why, without Debian's chromium (as <see cref="ChromiumFactAttribute"/>).</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (!File.Exists(ConsoleFixture.Chromium))
            Skip = $"Browser specs skipped: {ConsoleFixture.Chromium} not found. Install: bash scripts/install-test-tools.sh chromium";
    }
}
