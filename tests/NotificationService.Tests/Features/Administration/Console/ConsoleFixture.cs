using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

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

    /// <summary>Every log entry the host wrote at Warning or above (the fixture's level), for specs about what a newcomer sees.</summary>
    public LogRecorder Logs { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Admin:OperatorKeys", OperatorKey[..12]);
        builder.ConfigureLogging(l => l.AddProvider(Logs));
    }

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
        context.SetDefaultTimeout(30_000);
        // Patience for Expect(...) too (Playwright's own default is 5 s): a page on a loaded machine is slow, not wrong.
        Assertions.SetDefaultExpectTimeout(30_000);
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
            Skip = $"Browser specs skipped: {ConsoleFixture.Chromium} not found. Install: bash scripts/install-test-tools.sh chromium";
    }
}

[CollectionDefinition("console"), StartsFirst(1)]   // ~10 minutes of browser specs, one after another
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>;

/// <summary>Keeps what the host logs (category, level, message) in memory.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            recorder.Entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
