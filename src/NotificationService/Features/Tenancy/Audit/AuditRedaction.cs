using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotificationService.Channels;

namespace NotificationService.Features.Tenancy.Audit;

/// <summary>
/// Before/after snapshots are serialized the way the API answers, then every secret in them is replaced, recognised by
/// what it is rather than by a word in its name (which redacted every template's `key`):
/// <list type="bullet">
/// <item>a value shaped like a credential this service issues or stores: an API key (`nsk_…`), a webhook signing secret
/// (`whsec_…`), a PEM private key, a JWT;</item>
/// <item>a field that holds a secret setting: every provider kind's declared secrets (<see cref="ProviderKinds"/>:
/// apiKey, authToken, password, serviceAccountJson…) and the signing secrets of webhook endpoints;</item>
/// <item>a field whose name says secret or password, which never names anything else.</item>
/// </list>
/// The API already leaves secrets out of its answers; this is the second lock on the same door. Provider answers show a
/// set secret as a fixed mask, which is kept: it says the secret is set without saying anything of it.
/// </summary>
public static partial class AuditRedaction
{
    public const string Redacted = "[redacted]";
    private const string Mask = "********";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly HashSet<string> SecretFields = new(
        ProviderKinds.Specs.SelectMany(s => s.Secrets).Select(f => f.Name).Concat(["secret", "previousSecret", "signingSecret"]),
        StringComparer.OrdinalIgnoreCase);

    public static string? ToJson(object? snapshot)
    {
        if (snapshot is null) return null;
        var node = snapshot as JsonNode ?? JsonSerializer.SerializeToNode(snapshot, snapshot.GetType(), Web);
        return Redact(node?.DeepClone())?.ToJsonString();
    }

    /// <summary>A field that holds a secret setting, whatever its value looks like.</summary>
    public static bool IsSecretField(string name) =>
        SecretFields.Contains(name) || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
            || name.Contains("password", StringComparison.OrdinalIgnoreCase);

    public const string Erased = "[erased]";

    /// <summary>Erase: a text that mentions one of <paramref name="values"/> (lower-cased) becomes <see cref="Erased"/>.</summary>
    public static string? Erase(string? text, string[] values) =>
        text is not null && values.Any(v => text.Contains(v, StringComparison.OrdinalIgnoreCase)) ? Erased : text;

    /// <summary>Erase inside a snapshot: every property name or string value that mentions one of the values is replaced.</summary>
    public static string? EraseJson(string? json, string[] values)
    {
        if (json is null) return null;
        return Walk(JsonNode.Parse(json))?.ToJsonString();

        JsonNode? Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    var copy = new JsonObject();
                    var n = 0;
                    foreach (var (name, value) in o) copy[Erase(name, values) is Erased ? $"{Erased}{++n}" : name] = Walk(value);
                    return copy;
                case JsonArray a:
                    return new JsonArray([.. a.Select(Walk)]);
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    return JsonValue.Create(Erase(v.GetValue<string>(), values));
                default:
                    return node?.DeepClone();
            }
        }
    }

    /// <summary>A value that is a credential wherever it appears.</summary>
    public static bool IsSecretValue(string value) => CredentialShape().IsMatch(value);

    [GeneratedRegex(@"\bnsk_[A-Za-z0-9]{8}_|\bwhsec_[A-Za-z0-9+/=]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")]
    private static partial Regex CredentialShape();

    /// <summary>Redacts in place; returns a replacement only for a value that is itself a secret.</summary>
    private static JsonNode? Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList())
                {
                    if (o[name] is not { } value) continue;
                    var replaced = IsSecretField(name) ? RedactAll(value) : Redact(value);
                    if (!ReferenceEquals(replaced, value)) o[name] = replaced;
                }
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (a[i] is { } item && Redact(item) is var replaced && !ReferenceEquals(replaced, item)) a[i] = replaced;
                return a;
            case JsonValue v when v.TryGetValue<string>(out var s) && IsSecretValue(s):
                return JsonValue.Create(Redacted);
            default:
                return node;
        }
    }

    /// <summary>Everything under a secret field goes, except the API's own "it is set" mask (a provider's `secrets` map of
    /// masks).</summary>
    private static JsonNode RedactAll(JsonNode value) => value switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)(p.Value is null ? null : RedactAll(p.Value))))),
        JsonValue v when v.TryGetValue<string>(out var s) && s == Mask => JsonValue.Create(Mask),
        _ => JsonValue.Create(Redacted),
    };
}
