using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Client;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Client;

/// <summary>
/// The service on a real loopback port, for the .NET client package as its users run it: over real HTTP from this
/// process (the client's specs), and from processes of their own (the package spec's console app).
/// </summary>
public sealed class ClientServiceFixture : ServiceFixture
{
    protected override bool RealServer => true;

    public Uri BaseAddress => new(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));

    /// <summary>The client as an app registers it (IHttpClientFactory, the resilience pipeline), with the tenant's key.</summary>
    public ClientScope ClientFor(TestTenant tenant, Action<IHttpClientBuilder>? http = null)
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var builder = services.AddNotificationServiceClient(o =>
        {
            o.BaseAddress = BaseAddress;
            o.ApiKey = tenant.ApiKey;
        });
        http?.Invoke(builder);
        return new ClientScope(services.BuildServiceProvider());
    }

    /// <summary>A tenant whose HttpClient talks to the real port (the base fixture's talks to the in-memory server).</summary>
    public async Task<TestTenant> NewRealTenantAsync(params string[] channels)
    {
        var t = await NewTenantAsync(channels: channels);
        var http = new HttpClient { BaseAddress = BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", t.ApiKey);
        return t with { Http = http };
    }

    /// <summary>A webhook endpoint of the tenant for <paramref name="events"/>: its id and signing secret (shown once).</summary>
    public static async Task<(string Id, string Secret)> AddWebhookAsync(TestTenant tenant, string url, params string[] events)
    {
        var created = await tenant.Http.PostAsJsonAsync("/api/v1/admin/webhooks", new { url, events });
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        if (!created.IsSuccessStatusCode) throw new Xunit.Sdk.XunitException($"webhook endpoint not created: {(int)created.StatusCode} {body.ToJsonString()}");
        return (body["endpoint"]!["id"]!.GetValue<string>(), body["secret"]!.GetValue<string>());
    }
}

/// <summary>A client and the container that owns its handlers.</summary>
public sealed class ClientScope(ServiceProvider services) : IDisposable
{
    public NotificationServiceClient Client { get; } = services.GetRequiredService<NotificationServiceClient>();
    public void Dispose() => services.Dispose();
}

[CollectionDefinition("client-service"), StartsFirst(4)]   // the package spec packs and builds an app (about a minute): start it early
public sealed class ClientServiceCollection : ICollectionFixture<ClientServiceFixture>;
