using System.Collections.Concurrent;
using System.Net.Http.Headers;
using global::SendGrid;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.SendGrid;

/// <summary>
/// One <see cref="SendGridClient"/> per provider config, over the named outbound-guarded HttpClient (so the SDK adds no
/// retry handler of its own: the queue retries). A client is reused while the config's host and API key stay the same; a
/// rotated key or a changed host builds a new one. Keyed by tenant and config, so no tenant ever sends with another's key.
/// Each entry also keeps what the SDK's RequestAsync would rebuild on every call (see <see cref="MailSend"/>).
/// </summary>
public sealed class SendGridClients(IHttpClientFactory httpClientFactory)
{
    public const string DefaultBaseUrl = "https://api.sendgrid.com";

    private sealed record Entry(string Host, string ApiKey, MailSend Sender);
    private readonly ConcurrentDictionary<(Guid Tenant, Guid Config), Entry> _clients = new();

    public MailSend For(ProviderConfig config)
    {
        var host = Host(config);
        var apiKey = config.RequiredSecret("apiKey");
        var key = (config.TenantId, config.Id);
        if (_clients.TryGetValue(key, out var entry) && entry.Host == host && entry.ApiKey == apiKey) return entry.Sender;
        var options = new SendGridClientOptions { ApiKey = apiKey, Host = host };
        var sender = new MailSend(new SendGridClient(httpClientFactory.CreateClient(SendGridAdapter.HttpClientName), options), options);
        _clients[key] = new Entry(host, apiKey, sender);
        return sender;
    }

    /// <summary>`baseUrl` when set (test doubles, a proxy); else the `region`'s host as the SDK knows it (eu:
    /// api.eu.sendgrid.com).</summary>
    internal static string Host(ProviderConfig config)
    {
        if (config.Setting("baseUrl") is { Length: > 0 }) return ProviderHttp.BaseUrl(config, DefaultBaseUrl);
        var region = config.Setting("region") is { Length: > 0 } r ? r : "global";
        try { return new SendGridClientOptions().SetDataResidency(region).Host.TrimEnd('/'); }
        catch (ArgumentException) { throw new ProviderConfigException("settings.region must be global or eu"); }
    }
}

/// <summary>
/// One config's <c>POST {host}/v3/mail/send</c> through its <see cref="SendGridClient"/>. The SDK's SendEmailAsync
/// (RequestAsync) rebuilds the same envelope on every call: two Uris, a content type it then re-reads to drop the
/// charset, an Accept and a parsed user agent. Here the URI, credentials and agent are built once per config, and the
/// request goes through the SDK's own <see cref="BaseClient.MakeRequest"/> (its documented customization point) with the
/// body <see cref="MailJson"/> writes from the <c>SendGridMessage</c>: the bytes on the wire are the ones SendEmailAsync sends.
/// </summary>
public sealed class MailSend(SendGridClient client, SendGridClientOptions options)
{
    private const string Json = "application/json";
    // The SDK's own agent: its assembly version, as RequestAsync writes it.
    private static readonly string UserAgent = $"sendgrid/{typeof(BaseClient).Assembly.GetName().Version} csharp";

    private readonly Uri _uri = new($"{options.Host.TrimEnd('/')}/{options.Version}/mail/send");
    private readonly AuthenticationHeaderValue? _authorization = options.Auth;

    public SendGridClient Client { get; } = client;

    public Task<Response> SendAsync(global::SendGrid.Helpers.Mail.SendGridMessage mail, CancellationToken ct)
    {
        var content = new ByteArrayContent(MailJson.Utf8(mail));
        // Charset-free, as the SDK sends JSON (it clears the charset StringContent would add).
        content.Headers.ContentType = new MediaTypeHeaderValue(Json);
        var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = content };
        request.Headers.Authorization = _authorization;
        request.Headers.TryAddWithoutValidation("Accept", Json);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        return Client.MakeRequest(request, ct);
    }
}
