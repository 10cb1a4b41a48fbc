using System.Collections.Concurrent;
using Twilio.Clients;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Twilio;

/// <summary>
/// One <see cref="TwilioRestClient"/> per provider config's credentials (never the library's process-wide
/// TwilioClient.Init, which would share one account across tenants), each with its own <see cref="TwilioTransport"/> to
/// the config's base URL. Rebuilt when the account, token or base URL changes; keyed by tenant and config.
/// </summary>
public sealed class TwilioClients(IHttpClientFactory httpClientFactory)
{
    public const string DefaultBaseUrl = "https://api.twilio.com";

    private sealed record Entry(string AccountSid, string AuthToken, string BaseUrl, TwilioRestClient Client);
    private readonly ConcurrentDictionary<(Guid Tenant, Guid Config), Entry> _clients = new();

    public TwilioRestClient For(ProviderConfig config)
    {
        var accountSid = config.RequiredSetting("accountSid");
        var authToken = config.RequiredSecret("authToken");
        var baseUrl = ProviderHttp.BaseUrl(config, DefaultBaseUrl);
        var key = (config.TenantId, config.Id);
        if (_clients.TryGetValue(key, out var e) && e.AccountSid == accountSid && e.AuthToken == authToken && e.BaseUrl == baseUrl)
            return e.Client;
        var transport = new TwilioTransport(httpClientFactory.CreateClient(TwilioAdapterBase.HttpClientName), baseUrl,
            ProviderHttp.Basic(accountSid, authToken));
        var client = new TwilioRestClient(accountSid, authToken, accountSid, httpClient: transport);
        _clients[key] = new Entry(accountSid, authToken, baseUrl, client);
        return client;
    }
}
