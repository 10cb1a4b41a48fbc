using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;

namespace NotificationService.Workflows.Conditions;

/// <summary>
/// What conditions read: `data` (the trigger's payload), `recipient` (the profile: userId, email, phone, name, locale,
/// timezone, data), `actor` and `steps` (per step id: `outcome` as the run recorded it, and for a send step `status`,
/// `channel`, `provider`, `error` and `notificationId` of its first channel's notification, plus `notifications` for all).
/// Built once per transition by the host from System.Text.Json nodes.
/// </summary>
public sealed record ConditionContext(JsonNode? Data, JsonNode? Recipient, JsonNode? Actor, JsonObject Steps, string? TimeZone)
{
    public static readonly ConditionContext Empty = new(null, null, null, [], null);

    /// <summary>The recipient's digest cadence for the workflow's category (a preference), read only for a digest step that
    /// says `userSchedule`; conditions do not see it.</summary>
    public Runs.DigestCadence? Cadence { get; init; }

    private JToken? _token;

    /// <summary>The context as JmesPath.Net reads it (Newtonsoft), converted once.</summary>
    public JToken Token => _token ??= Read(new JsonObject
    {
        ["data"] = Data?.DeepClone(),
        ["recipient"] = Recipient?.DeepClone(),
        ["actor"] = Actor?.DeepClone(),
        ["steps"] = Steps.DeepClone(),
    }.ToJsonString());

    /// <summary>Strings stay strings: Newtonsoft would otherwise turn anything that looks like a date into a date, and
    /// `data.at == '2026-01-01T00:00:00Z'` would stop comparing equal.</summary>
    private static JToken Read(string json)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(json)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None, MaxDepth = 128 };
        return JToken.ReadFrom(reader);
    }
}
