using System.Collections.Concurrent;
using global::SendGrid;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.SendGrid;

/// <summary>
/// One <see cref="SendGridClient"/> per provider config, over the named outbound-guarded HttpClient (so the SDK adds no
/// retry handler of its own: the queue retries). A client is reused while the config's host and API key stay the same; a
/// rotated key or a changed host builds a new one. Keyed by tenant and config, so no tenant ever sends with another's key.
/// </summary>
public sealed class SendGridClients(IHttpClientFactory httpClientFactory)
{
    public const string DefaultBaseUrl = "https://api.sendgrid.com";

    private sealed record Entry(string Host, string ApiKey, SendGridClient Client);
    private readonly ConcurrentDictionary<(Guid Tenant, Guid Config), Entry> _clients = new();

    public SendGridClient For(ProviderConfig config)
    {
        var host = Host(config);
        var apiKey = config.RequiredSecret("apiKey");
        var key = (config.TenantId, config.Id);
        if (_clients.TryGetValue(key, out var entry) && entry.Host == host && entry.ApiKey == apiKey) return entry.Client;
        var options = new SendGridClientOptions { ApiKey = apiKey, Host = host };
        var client = new SendGridClient(httpClientFactory.CreateClient(SendGridAdapter.HttpClientName), options);
        _clients[key] = new Entry(host, apiKey, client);
        return client;
    }

    /// <summary>`baseUrl` when set (test doubles, a proxy); else the `region`'s host as the SDK knows it (eu: api.eu.sendgrid.com).</summary>
    internal static string Host(ProviderConfig config)
    {
        if (config.Setting("baseUrl") is { Length: > 0 }) return ProviderHttp.BaseUrl(config, DefaultBaseUrl);
        var region = config.Setting("region") is { Length: > 0 } r ? r : "global";
        try { return new SendGridClientOptions().SetDataResidency(region).Host.TrimEnd('/'); }
        catch (ArgumentException) { throw new ProviderConfigException("settings.region must be global or eu"); }
    }
}
