using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Postgres;
using NotificationService.Queue;

namespace NotificationService.Tests.Support;

/// <summary>
/// The real service (API + workers) on a fresh database of the per-process embedded PostgreSQL.
/// Tests create their own tenants, so they never see each other's rows.
/// </summary>
public class ServiceFixture : IAsyncLifetime
{
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;
    public NpgsqlDataSource Db { get; private set; } = null!;
    /// <summary>Every status change the ledger committed: wait on these rather than polling.</summary>
    public LedgerRecorder Ledger { get; } = new();
    /// <summary>Every job the workers acknowledged, with its result.</summary>
    public QueueRecorder Queue { get; private set; } = null!;
    /// <summary>What names resolve to for the outbound guard.</summary>
    public PlatformDns Resolver { get; } = new();

    /// <summary>
    /// What every host of a spec runs with, the fixture's and its replicas' (<see cref="ApiReplica"/>): a replica that
    /// fell back to a production default behaved unlike the host beside it (a digest window it filled deferred its runs'
    /// end the default two minutes, and the spec waiting for them waited as long).
    /// </summary>
    public static readonly IReadOnlyList<(string Key, string Value)> SpecSettings =
    [
        // A second, not the production default's two: an idle host polls each of its queues (a dozen) per interval, and at
        // 200 ms one idle host cost 13 % of a core between it and PostgreSQL (4 % at a second), with several hosts alive
        // at once in a CPU-bound suite. Jobs a spec makes due by writing run_at itself are woken (WakeWorkers), not polled.
        ("Queue:PollIntervalMs", "1000"),
        ("Queue:RetryBaseSeconds", "0.05"),
        ("Queue:RetryMaxMinutes", "0.01"),
        ("Queue:RescueIntervalSeconds", "1"),
        ("Secrets:Keys:test", Convert.ToBase64String(new byte[32])),
        ("Logging:LogLevel:Default", "Warning"),
        ("Bulk:ChunkRows", "50"),                          // bulk specs span several chunks committing at once
        ("Topics:FanOutChunkMembers", "50"),               // so do fan-outs
        ("Webhooks:AllowedTargets", "127.0.0.1"),          // loopback receivers in webhook tests
        ("Webhooks:RetryScheduleSeconds", "0.2,0.2,0.2"),  // the real schedule spans days
        ("Digests:DigestedRunsDelaySeconds", "0"),         // runs a digest carried end at once, not minutes later
        // The largest render time budget: the render-budget specs expect the output limit (1,000,000 characters) to
        // stop the hostile template, and on a loaded machine writing that much can take longer than the default 1 s.
        ("Templates:RenderTimeoutMs", "60000"),
    ];

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("svc");
        Db = NpgsqlDataSource.Create(ConnectionString);
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", ConnectionString);
            b.UseSetting("Seed:OnStart", "true");
            b.UseSetting("Seed:DemoApiKey", DemoApiKey);
            foreach (var (key, value) in SpecSettings) b.UseSetting(key, value);
            b.ConfigureServices(s => s.AddSingleton<INotificationObserver>(Ledger));
            b.ConfigureServices(s => s.AddSingleton<NotificationService.Channels.Outbound.HostResolver>(Resolver.ResolveAsync));
            Configure(b);
        });
        if (RealServer) Factory.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0)); // a free loopback port a browser can reach
        Queue = new QueueRecorder(Factory.Services.GetRequiredService<QueueEvents>()); // resolving services starts the host:
        if (!RealServer) _ = Factory.Server;                                          // migrations, seed and workers
    }

    /// <summary>Kestrel on a free loopback port instead of the in-memory TestServer (browser tests need a real socket).</summary>
    protected virtual bool RealServer => false;

    /// <summary>Settings of a fixture of its own (a separate host and database), applied after the shared ones.</summary>
    protected virtual void Configure(IWebHostBuilder builder) { }

    public const string DemoApiKey = "nsk_demo0000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    public HttpClient Client(string apiKey)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>A new tenant with an all-scopes key and, unless told otherwise, a sandbox provider per channel.</summary>
    /// <summary>
    /// Sends one email through a sandbox that refuses everything permanently and waits until its job is dead: the ledger
    /// commits `failed` before the queue acknowledges the job, so both are waited for. Returns the notification's id.
    /// </summary>
    public async Task<Guid> SendToDeadJobAsync(TestTenant failingTenant)
    {
        var id = await failingTenant.Http.SendOkAsync(Api.Email());
        await failingTenant.Http.WaitForStatusAsync(id, "failed");
        await Eventually.Async(async () => await ScalarAsync<string>("select state from jobs where tenant_id = $1", failingTenant.Id) == "dead", "the job to be dead");
        return id;
    }

    public async Task<TestTenant> NewTenantAsync(string? sandboxSettingsJson = "{}", params string[] channels)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<TenantStore>().CreateTenantAsync("t-" + Guid.NewGuid().ToString("N")[..8], default);
        if (sandboxSettingsJson is not null)
            foreach (var channel in channels.Length > 0 ? channels : ["email", "sms", "push", "whatsapp"])
                await AddProviderAsync(created.TenantId, channel, "sandbox", sandboxSettingsJson);
        return new TestTenant(created.TenantId, created.ApiKey, Client(created.ApiKey));
    }

    /// <summary>
    /// What an operator does for a tenant that needs more (a `tenant_rate_limits` row): specs that make many admin calls
    /// in a row raise their tenant's admin limit, so a fast machine does not spend their burst before a slow one would.
    /// </summary>
    public Task RaiseLimitAsync(Guid tenantId, EndpointClass endpointClass, double perSecond, double burst) =>
        Factory.Services.GetRequiredService<TenantLimits>().SetAsync(tenantId, endpointClass, new RateLimit(perSecond, burst), default);

    public async Task<Guid> AddProviderAsync(Guid tenantId, string channel, string kind, string settingsJson, int priority = 100)
    {
        var id = Guid.NewGuid();
        await using var cmd = Db.CreateCommand("insert into providers (id, tenant_id, channel, kind, name, priority, settings) values ($1, $2, $3, $4, $4, $5, $6::jsonb)");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(priority);
        cmd.Parameters.AddWithValue(settingsJson);
        await cmd.ExecuteNonQueryAsync();
        Factory.Services.GetRequiredService<ProviderDirectory>().Invalidate(tenantId);
        return id;
    }

    /// <summary>
    /// "The scheduled moment has come": every ready job of the tenant is due now. Specs schedule a send an hour ahead,
    /// do what must happen before it is sent, then call this, instead of scheduling it seconds ahead and racing the
    /// clock (a loaded machine lost that race). The workers are woken to pick the jobs up.
    /// </summary>
    public async Task DueNowAsync(Guid tenantId)
    {
        await using var cmd = Db.CreateCommand("update jobs set run_at = now() where tenant_id = $1 and state = 'ready'");
        cmd.Parameters.AddWithValue(tenantId);
        await cmd.ExecuteNonQueryAsync();
        WakeWorkers();
    }

    /// <summary>
    /// Wakes every queue's workers in this host, as a commit that enqueues does: for jobs a spec made due by writing
    /// run_at itself, so that they run now rather than at the next poll.
    /// </summary>
    public void WakeWorkers()
    {
        var signals = Factory.Services.GetRequiredService<QueueSignals>();
        foreach (var queue in Factory.Services.GetService<QueueProcessorOptions>()?.Queues ?? []) signals.Signal(queue);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var v = await cmd.ExecuteScalarAsync();
        return v is DBNull or null ? default : (T)v;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Db.DisposeAsync();
    }
}

public sealed record TestTenant(Guid Id, string ApiKey, HttpClient Http);

[CollectionDefinition("service"), StartsFirst(5)]   // 112 classes one after another (about 2.5 minutes): not last
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>;
