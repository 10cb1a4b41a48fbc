using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;

namespace NotificationService.Workflows.Conditions;

/// <summary>
/// What conditions read: `data` (the trigger's payload), `recipient` (the profile: userId, email, phone, name, locale,
/// timezone, data), `actor` and `steps` (per step id: `outcome` as the run recorded it, and for a send step `status`,
/// `channel`, `provider`, `error` and `notificationId` of its first channel's notification, plus `notifications` for all).
/// Built once per transition by the host from System.Text.Json nodes, or <see cref="NotRead"/>.
/// </summary>
public sealed record ConditionContext
{
    private readonly JsonNode? _data, _recipient, _actor;
    private readonly JsonObject _steps;
    private readonly string? _timeZone;
    private readonly Runs.DigestCadence? _cadence;
    private readonly bool _notRead;

    public ConditionContext(JsonNode? Data, JsonNode? Recipient, JsonNode? Actor, JsonObject Steps, string? TimeZone) =>
        (_data, _recipient, _actor, _steps, _timeZone) = (Data, Recipient, Actor, Steps, TimeZone);

    private ConditionContext() => (_steps, _notRead) = ([], true);

    public static readonly ConditionContext Empty = new(null, null, null, [], null);

    /// <summary>
    /// A context the host has not read: every read of it throws <see cref="ContextNotReadException"/>, which is how
    /// <see cref="Runs.Interpreter.ApplyUnlessContextRead"/> learns that a transition reads its context, by construction
    /// rather than by a list of the places that do.
    /// </summary>
    public static readonly ConditionContext NotRead = new();

    public JsonNode? Data => Read(_data);
    public JsonNode? Recipient => Read(_recipient);
    public JsonNode? Actor => Read(_actor);
    public JsonObject Steps => Read(_steps);
    public string? TimeZone => Read(_timeZone);

    /// <summary>The recipient's digest cadence for the workflow's category (a preference), read only for a digest step that
    /// says `userSchedule`; conditions do not see it.</summary>
    public Runs.DigestCadence? Cadence { get => Read(_cadence); init => _cadence = value; }

    private T Read<T>(T value) => _notRead ? throw new ContextNotReadException() : value;

    private JToken? _token;

    /// <summary>The context as JmesPath.Net reads it (Newtonsoft), converted once.</summary>
    public JToken Token => _token ??= Parse(new JsonObject
    {
        ["data"] = Data?.DeepClone(),
        ["recipient"] = Recipient?.DeepClone(),
        ["actor"] = Actor?.DeepClone(),
        ["steps"] = Steps.DeepClone(),
    }.ToJsonString());

    /// <summary>Strings stay strings: Newtonsoft would otherwise turn anything that looks like a date into a date, and
    /// `data.at == '2026-01-01T00:00:00Z'` would stop comparing equal.</summary>
    private static JToken Parse(string json)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(json))
        {
            DateParseHandling = Newtonsoft.Json.DateParseHandling.None, MaxDepth = 128
        };
        return JToken.ReadFrom(reader);
    }
}

/// <summary>A transition read <see cref="ConditionContext.NotRead"/>: it needs the run's context.</summary>
public sealed class ContextNotReadException() : Exception("the transition reads the run's context, which was not read");
