namespace NotificationService.Channels.Chat;

/// <summary>
/// The operator's test doubles for the chat platforms, from configuration (`Providers:ChatDoubles:&lt;kind&gt;` = a base
/// URL such as http://127.0.0.1:4010): a kind with a double sends there instead of the platform, keeping the request's
/// path (below Discord's `/api[/vN]` root, as the platform's API documents name it). Configuration only: a tenant's
/// settings never redirect a chat kind.
/// </summary>
public sealed class ChatDoubles(IReadOnlyDictionary<string, string>? baseUrls = null)
{
    private readonly Dictionary<string, string> _baseUrls = (baseUrls ?? new Dictionary<string, string>())
        .Where(e => ProviderSettingsValidator.IsHttpUrl(e.Value)).ToDictionary(e => e.Key, e => e.Value.TrimEnd('/'));

    public static ChatDoubles From(Microsoft.Extensions.Configuration.IConfiguration? configuration) =>
        new(configuration?.GetSection("Providers:ChatDoubles").GetChildren().Where(c => c.Value is not null)
            .ToDictionary(c => c.Key, c => c.Value!));

    /// <summary>Whether the operator sent <paramref name="kind"/> to a double: its calls never reach a URL's own host.</summary>
    public bool Replaces(string kind) => _baseUrls.ContainsKey(kind);

    /// <summary>The Slack Web API method URL: https://slack.com/api/{method}, or the double's.</summary>
    public string SlackApi(string method) => (_baseUrls.GetValueOrDefault(ProviderKinds.Slack) ?? "https://slack.com/api") + "/" + method;

    /// <summary>A webhook URL already held to <see cref="ChatUrls"/>, or the same path on the kind's double.</summary>
    public string Webhook(string kind, string url)
    {
        if (!_baseUrls.TryGetValue(kind, out var root)) return url;
        var u = new Uri(url);
        var path = kind == ProviderKinds.DiscordWebhook ? DiscordBelowApiRoot(u.AbsolutePath) : u.AbsolutePath;
        return root + path + u.Query;
    }

    private static string DiscordBelowApiRoot(string path)
    {
        var at = path.IndexOf("/webhooks/", StringComparison.Ordinal);
        return at < 0 ? path : path[at..];
    }
}
