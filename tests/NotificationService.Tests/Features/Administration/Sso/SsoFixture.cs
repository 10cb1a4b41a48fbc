using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Administration.Sso;
using NotificationService.Tests.Support;
using NotificationService.Tests.Support.Oidc;

namespace NotificationService.Tests.Features.Administration.Sso;

/// <summary>
/// The service beside a real OpenID Provider on loopback (started only where it is installed). Every log line the
/// service writes is kept, so specs can show a secret never reaches one.
/// </summary>
public sealed class SsoFixture : ServiceFixture, IAsyncLifetime
{
    public const string Callback = "http://localhost" + SsoFlowEndpoints.CallbackPath;
    public static readonly OidcUser Ann = new("ann", "Ann@Acme.test", Verified: true);
    public static readonly OidcUser Uma = new("uma", "uma@acme.test", Verified: false);
    public static readonly OidcUser Oz = new("oz", "oz@elsewhere.test", Verified: true);

    public OidcProvider? Provider { get; private set; }
    public ConcurrentQueue<string> LogLines { get; } = new();
    /// <summary>The DNS the service reads domain proofs from.</summary>
    public FakeDns Dns { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Logging:LogLevel:Default", "Information");   // what a deployment logs, kept for the no-secret check
        builder.UseSetting("Logging:LogLevel:NotificationService", "Debug");
        builder.ConfigureServices(s =>
        {
            s.AddSingleton<ILoggerProvider>(new RecordingLoggerProvider(LogLines));
            s.AddSingleton<ISsoDomainTxtLookup>(Dns);
        });
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        if (OidcProvider.Missing is null) Provider = await OidcProvider.StartAsync(Callback, Ann, Uma, Oz);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Provider is not null) await Provider.DisposeAsync();
        await DisposeAsync();
    }

    /// <summary>A tenant whose console signs in through the test provider; Ann is its editor unless told otherwise.</summary>
    public async Task<TestTenant> TenantWithSsoAsync(string[]? allowedDomains = null, string? defaultRole = null, bool required = false, bool annIsMember = true,
        string clientId = OidcProvider.ClientId, string clientSecret = OidcProvider.ClientSecret)
    {
        var tenant = await NewTenantAsync(null);
        var put = await tenant.Http.PutAsJsonAsync("/api/v1/admin/sso", new
        {
            issuer = Provider!.Issuer, clientId, clientSecret,
            allowedDomains = allowedDomains ?? [], defaultRole, required,
        });
        Assert.True(put.IsSuccessStatusCode, $"PUT /api/v1/admin/sso: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        if (annIsMember) await MemberAsync(tenant.Id, Ann.Email);
        return tenant;
    }

    /// <summary>A member of <paramref name="tenantId"/>, as an invitation or the CLI would make them.</summary>
    public async Task<Member> MemberAsync(Guid tenantId, string email, string role = "editor", string status = "active")
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MemberStore>().CreateAsync(tenantId, email, "Ann", role, default, status);
    }

    /// <summary>Turns the member's second factor on, as enrolment does; the member's app is the returned generator.</summary>
    public async Task<OtpNet.Totp> SecondFactorAsync(Member member)
    {
        var credentials = Factory.Services.GetRequiredService<MemberCredentials>();
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(await credentials.BeginTotpAsync(member, default)));
        Assert.True(await credentials.CheckTotpAsync(member, totp.ComputeTotp(DateTime.UtcNow.AddSeconds(-30)), pending: true, default));
        return totp;
    }

    /// <summary>An admin API client acting as a new member of <paramref name="role"/> (their own token, as their account page makes it).</summary>
    public async Task<HttpClient> AsMemberAsync(Guid tenantId, string role)
    {
        var member = await MemberAsync(tenantId, $"{role}-{Guid.NewGuid():N}@example.com", role);
        var (token, _) = await Factory.Services.GetRequiredService<NotificationService.Features.Administration.Console.Session.MemberApiTokens>()
            .CreateAsync(NotificationService.Features.Administration.Console.Session.MemberSessions.PrincipalOf(member, "password"), default);
        var http = Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Points the tenant's single sign-on at the test provider, sent by <paramref name="http"/> (whose role is recorded).</summary>
    public async Task PutSsoAsync(HttpClient http, string[]? allowedDomains = null, bool required = false)
    {
        var put = await http.PutAsJsonAsync("/api/v1/admin/sso", new
        {
            issuer = Provider!.Issuer, clientId = OidcProvider.ClientId, clientSecret = OidcProvider.ClientSecret, allowedDomains = allowedDomains ?? [], required,
        });
        Assert.True(put.IsSuccessStatusCode, $"PUT /api/v1/admin/sso: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    /// <summary>Console sessions the tenant has (a refused sign-in opens none).</summary>
    public Task<long> SessionsAsync(Guid tenantId, string method = "sso") =>
        ScalarAsync<long>("select count(*) from console_sessions where tenant_id = $1 and method = $2", tenantId, method);

    /// <summary>A browser of its own (its own cookies), not following redirects, so each step can be looked at.</summary>
    public HttpClient Browser() => Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
}

/// <summary>TXT records the spec publishes, as a tenant would at its DNS host.</summary>
public sealed class FakeDns : ISsoDomainTxtLookup
{
    private readonly ConcurrentDictionary<string, string[]> _records = new();
    public void Publish(string name, string value) => _records.AddOrUpdate(name, [value], (_, old) => [.. old, value]);
    public Task<IReadOnlyList<string>> TxtAsync(string name, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>(_records.GetValueOrDefault(name, []));

    /// <summary>Publishes the record the tenant's configuration asks for <paramref name="domain"/> and has the service check it.</summary>
    public async Task ProveAsync(HttpClient tenant, string domain)
    {
        var view = await tenant.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/v1/admin/sso");
        var proof = view!["domains"]!.AsArray().Single(d => (string?)d!["domain"] == domain)!;
        Publish((string)proof["txtName"]!, (string)proof["txtValue"]!);
        var verify = await tenant.PostAsync($"/api/v1/admin/sso/domains/{domain}/verify", null);
        Assert.True(verify.IsSuccessStatusCode, $"verify {domain}: {(int)verify.StatusCode} {await verify.Content.ReadAsStringAsync()}");
    }
}

/// <summary>A spec that needs the test OpenID Provider: skipped, naming what installs it, where it cannot run.</summary>
public sealed class OidcFactAttribute : FactAttribute
{
    public OidcFactAttribute() { if (OidcProvider.Missing is { } reason) Skip = reason; }
}

[CollectionDefinition("sso")]
public sealed class SsoCollection : ICollectionFixture<SsoFixture>;

public sealed class RecordingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, lines);
    public void Dispose() { }

    private sealed class Recorder(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}
