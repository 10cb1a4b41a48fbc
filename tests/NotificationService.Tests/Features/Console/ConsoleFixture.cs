using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Console;

/// <summary>
/// The service on a real Kestrel port (chromium cannot reach the in-memory TestServer) with its own database, and one
/// chromium for the whole class. Debian's /usr/bin/chromium: Playwright's own browser download is not used.
/// </summary>
public sealed class ConsoleFixture : ServiceFixture, IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    public const string OperatorKey = "nsk_oper0000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    protected override bool RealServer => true;

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Admin:OperatorKeys", OperatorKey[..12]);

    public Uri BaseAddress => new(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));

    /// <summary>A fresh browser context (its own cookies) on a page at the console's base address.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        if (_browser is null)
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Args = ["--no-sandbox"] });
        }
        var context = await _browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString().TrimEnd('/'), ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public new async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>Skips with the reason when Debian's chromium is not installed (CI's .ci/run installs it).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(ConsoleFixture.Chromium))
            Skip = $"{ConsoleFixture.Chromium} not found: browser tests need Debian's chromium (apt-get install chromium; .ci/run does).";
    }
}

[CollectionDefinition("console")]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>;
