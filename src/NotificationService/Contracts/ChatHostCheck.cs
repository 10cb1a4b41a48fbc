using System.Text.Json;
using NotificationService.Channels;
using NotificationService.Channels.Chat;
using NotificationService.Channels.Outbound;

namespace NotificationService.Contracts;

/// <summary>
/// The outbound guard's look at a chat webhook URL's host when the URL is saved (a profile, a send's inline destination,
/// a provider config), beside the platform-host rule of <see cref="ChatRules"/>: a platform name that resolves to a
/// private address is refused with a 400 naming the field, before the worker would meet it at connect. Each distinct host
/// is asked once per request. A kind the operator sends to a double is not asked: its calls go to the double.
/// </summary>
public sealed class ChatHostCheck(OutboundGuard guard, ChatDoubles doubles)
{
    public sealed record Url(string Field, string Kind, string? Value);

    /// <summary>The webhook URLs of a parsed destination, with the fields that name them.</summary>
    public static IEnumerable<Url> Of(ChatDestination? chat, string field)
    {
        if (chat?.Teams?.WebhookUrl is { } teams) yield return new(field + ".teams.webhookUrl", ProviderKinds.TeamsWebhook, teams);
        if (chat?.Discord?.WebhookUrl is { } discord)
            yield return new(field + ".discord.webhookUrl", ProviderKinds.DiscordWebhook, discord);
    }

    /// <summary>The webhook URLs of a profile document's `chat` as written (a replacement or a merge patch), with their fields.</summary>
    public static IEnumerable<Url> Of(JsonElement document, string field)
    {
        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty("chat", out var chat)
            || chat.ValueKind != JsonValueKind.Object)
            yield break;
        foreach (var (platform, kind) in new[] { ("teams", ProviderKinds.TeamsWebhook), ("discord", ProviderKinds.DiscordWebhook) })
            if (chat.TryGetProperty(platform, out var o) && o.ValueKind == JsonValueKind.Object
                && o.TryGetProperty("webhookUrl", out var url) && url.ValueKind == JsonValueKind.String)
                yield return new($"{field}.{platform}.webhookUrl", kind, url.GetString());
    }

    /// <summary>
    /// Adds an error for each URL whose host the guard refuses (the host named, never the URL: it holds a token). A URL the
    /// platform rule refuses, or whose field has an error already, is not asked about. <paramref name="asked"/> keeps the
    /// answers across calls of one request (a bulk write asks before it locks anything, then reads them).
    /// </summary>
    public async Task CheckAsync(IEnumerable<Url> urls, IDictionary<string, string[]> errors, CancellationToken ct,
        Dictionary<string, string?>? asked = null)
    {
        asked ??= new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var url in urls)
            if (!errors.ContainsKey(url.Field) && await RefusalAsync(url, asked, ct) is { } refused)
                errors[url.Field] = [$"Refused: {refused}."];
    }

    /// <summary>The answers for every host of <paramref name="urls"/>, asked now, for later <see cref="CheckAsync"/> calls.</summary>
    public async Task<Dictionary<string, string?>> AskAsync(IEnumerable<Url> urls, CancellationToken ct)
    {
        var asked = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var url in urls) await RefusalAsync(url, asked, ct);
        return asked;
    }

    private async Task<string?> RefusalAsync(Url url, Dictionary<string, string?> asked, CancellationToken ct)
    {
        if (doubles.Replaces(url.Kind) || ChatUrls.Problem(url.Kind, url.Value) is not null) return null;
        var host = new Uri(url.Value!).IdnHost;
        if (!asked.TryGetValue(host, out var refused)) asked[host] = refused = await guard.CheckAsync(host, ct);
        return refused;
    }
}
