using NotificationService.Channels.Http;

namespace NotificationService.Channels.Chat;

/// <summary>What the chat adapters share beyond <see cref="ProviderHttp"/>: the named client, redirects, and whose fault a
/// failure is when the destination came from the recipient rather than the config.</summary>
public static class ChatHttp
{
    /// <summary>One guarded client for the chat platforms (registered with the other providers' clients).</summary>
    public const string HttpClientName = "chat";

    /// <summary>A 3xx is never followed (the guard's handler does not): the destination is refused as it stands.</summary>
    public static DeliveryResult? Redirect(string provider, int status) => status is >= 300 and < 400
        ? new DeliveryResult.ProviderFailure($"{provider}: HTTP {status} redirect refused (redirects are not followed)", "redirect")
        : null;

    /// <summary>A platform's JSON answer, or null when it is empty or not JSON (an error page of a proxy, say).</summary>
    public static System.Text.Json.Nodes.JsonNode? TryParse(string body)
    {
        try { return body.Length == 0 ? null : System.Text.Json.Nodes.JsonNode.Parse(body); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    /// <summary>
    /// A failure that would say "this config is broken" (bad URL, unknown webhook, refused address, redirect) is the
    /// recipient's when the URL was the recipient's: permanent for this message, no failover, no circuit trip.
    /// </summary>
    public static DeliveryResult Blame(DeliveryResult result, bool recipients) =>
        recipients && result is DeliveryResult.ProviderFailure f ? new DeliveryResult.Permanent(f.Error, f.Code) : result;

    /// <summary>A URL that passes <see cref="ChatUrls"/> for the kind, or a config exception naming the field (never its value).</summary>
    public static string Checked(string kind, string url, bool recipients) =>
        ChatUrls.Problem(kind, url) is { } problem
            ? throw new ProviderConfigException((recipients ? "recipient.chat webhookUrl: " : "secrets.webhookUrl: ") + problem)
            : url;
}
