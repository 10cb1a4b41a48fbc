using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The service on a real Kestrel port (chromium cannot reach the in-memory TestServer) with its own database, and one
/// chromium for the whole class. Debian's chromium-headless-shell (Playwright's own browser download is not used): the
/// same Blink as /usr/bin/chromium, built for headless use as Playwright's headless mode is, without the full browser's
/// start-up and processes a spec never looks at.
/// </summary>
public sealed class ConsoleFixture : ServiceFixture, IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium-headless-shell";
    /// <summary>`Admin:OperatorTenant`: the team that runs the service; its owner's console session is an operator's.</summary>
    public static readonly Guid OperatorTenantId = Guid.Parse("0000000e-0000-4000-8000-00000000000e");
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    protected override bool RealServer => true;

    /// <summary>Every log entry the host wrote at Warning or above (the fixture's level), for specs about what a newcomer sees.</summary>
    public LogRecorder Logs { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Admin:OperatorTenant", OperatorTenantId.ToString());
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
        return await BrowserPatience.Apply(context).NewPageAsync();
    }

    private readonly ConcurrentDictionary<Guid, Lazy<Task<string>>> _owners = new();

    /// <summary>The email of the tenant's owner, a member the fixture makes the first time a spec asks (active, no password).</summary>
    public Task<string> OwnerOfAsync(TestTenant tenant) => _owners.GetOrAdd(tenant.Id, id => new(async () =>
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await Factory.Services.GetRequiredService<MemberStore>().CreateAsync(id, email, "The owner", MemberRoles.Owner, default);
        return email;
    })).Value;

    /// <summary>
    /// The path of a one-time sign-in link for the tenant's owner, made as `members sign-in-link` makes it (the same
    /// call, audited the same way): how the console specs get a session, through the link's page and its button.
    /// </summary>
    public async Task<string> OwnerSignInLinkAsync(TestTenant tenant)
    {
        var email = await OwnerOfAsync(tenant);
        await using var scope = Factory.Services.CreateAsyncScope();
        var link = await scope.ServiceProvider.GetRequiredService<MemberCommands>().SignInLinkAsync(tenant.Id, email, default)
            ?? throw new InvalidOperationException($"no active owner {email} in tenant {tenant.Id}");
        return new Uri(link.Url).AbsolutePath;
    }

    private Lazy<Task<TestTenant>>? _operatorTenant;

    /// <summary>The operator's own team (<see cref="OperatorTenantId"/>), made the first time a spec asks.</summary>
    public Task<TestTenant> OperatorTenantAsync() => LazyInitializer.EnsureInitialized(ref _operatorTenant, () => new(async () =>
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<NotificationService.Features.Tenancy.Tenants.TenantStore>()
            .CreateTenantAsync("operators", default, OperatorTenantId);
        return new TestTenant(created.TenantId, created.ApiKey, Client(created.ApiKey));
    })).Value;

    /// <summary>The audit log's actor for what the tenant's owner does in a session opened by <see cref="OwnerSignInLinkAsync"/>.</summary>
    public async Task<string> OwnerActorAsync(TestTenant tenant) => $"member {await OwnerOfAsync(tenant)} (link, ";

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
            recorder.Entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")));
    }
}
