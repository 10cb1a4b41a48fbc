using System.Text.Json.Nodes;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Topics;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>`POST /api/v1/services/workflows/{key}/trigger`. Unknown properties are refused (JsonBody).</summary>
public sealed record TriggerRequest
{
    /// <summary>Up to 1,000 recipients: a userId, or `{"userId", "profile"}` where profile is a merge patch applied first.</summary>
    public JsonArray? Recipients { get; init; }
    /// <summary>Instead of recipients, 1 to 20 topics: one run per member (each once), started by a fan-out (202 with its id).</summary>
    public string[]? Topics { get; init; }
    /// <summary>With topics: up to 10,000 userIds that get no run.</summary>
    public string[]? ExcludeUserIds { get; init; }
    /// <summary>Who caused it (any JSON); conditions read `actor.*`, templates `{{actor.*}}`.</summary>
    public JsonNode? Actor { get; init; }
    /// <summary>The payload (a JSON object, at most 256 KB): conditions read `data.*`, templates get it as their data.</summary>
    public JsonObject? Data { get; init; }
    /// <summary>A key of the caller's own to cancel these runs later by query.</summary>
    public string? CancellationKey { get; init; }
}

public sealed record TriggerAccepted(Guid[] RunIds);

/// <summary>A recipient of a trigger, checked: its userId and the profile patch to merge (or none).</summary>
public sealed record TriggerRecipient(int Index, string UserId, JsonObject? Profile);

public static class TriggerRules
{
    public const int MaxRecipients = 1000;
    public const int MaxDataBytes = 256 * 1024;
    public const int MaxActorBytes = 16 * 1024;
    public const int MaxCancellationKey = 200;

    /// <summary>Whether the trigger names topics (and so is a fan-out) rather than recipients.</summary>
    public static bool NamesTopics(TriggerRequest req) => req.Topics is not null || req.ExcludeUserIds is not null;

    /// <summary>The topics and payload of a trigger naming topics (the limits of a send to topics), or a 400 naming every bad
    /// field.</summary>
    public static string[] CheckTopics(TriggerRequest req)
    {
        var errors = new Dictionary<string, string[]>();
        var keys = TopicRules.CheckedTopics(req.Topics, "topics", errors);
        if (req.Recipients is not null) errors["recipients"] = ["Name recipients or topics, not both."];
        if (req.ExcludeUserIds is { } excluded)
        {
            if (excluded.Length > TopicRules.MaxExcludedUsers)
                errors["excludeUserIds"] = [$"At most {TopicRules.MaxExcludedUsers:N0} userIds."];
            else
                for (var i = 0; i < excluded.Length; i++)
                    if (!TopicRules.IsUserId(excluded[i]))
                        errors[$"excludeUserIds[{i}]"] = ["A userId is 1 to 256 characters, not only spaces."];
        }
        CheckPayload(req, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return keys;
    }

    /// <summary>The recipients and payload, or a 400 naming every bad field.</summary>
    public static IReadOnlyList<TriggerRecipient> Check(TriggerRequest req)
    {
        var errors = new Dictionary<string, string[]>();
        var recipients = new List<TriggerRecipient>();
        if (req.Recipients is not { Count: > 0 and <= MaxRecipients } list)
            errors["recipients"] = [$"recipients is a list of 1 to {MaxRecipients} userIds or {{\"userId\", \"profile\"}} objects."];
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < list.Count; i++)
                if (Recipient(list[i], i, errors) is { } r)
                {
                    if (seen.Add(r.UserId)) recipients.Add(r);
                    else errors[$"recipients[{i}]"] = [$"'{r.UserId}' is named twice: one run per recipient."];
                }
        }
        CheckPayload(req, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return recipients;
    }

    private static void CheckPayload(TriggerRequest req, Dictionary<string, string[]> errors)
    {
        if (req.Data is not null && System.Text.Encoding.UTF8.GetByteCount(req.Data.ToJsonString()) > MaxDataBytes)
            errors["data"] = [$"data is at most {MaxDataBytes / 1024} KB."];
        if (req.Actor is not null && System.Text.Encoding.UTF8.GetByteCount(req.Actor.ToJsonString()) > MaxActorBytes)
            errors["actor"] = [$"actor is at most {MaxActorBytes / 1024} KB."];
        if (req.CancellationKey is { Length: 0 or > MaxCancellationKey })
            errors["cancellationKey"] = [$"A cancellation key is 1 to {MaxCancellationKey} characters."];
    }

    private static TriggerRecipient? Recipient(JsonNode? node, int i, Dictionary<string, string[]> errors)
    {
        string? userId;
        JsonObject? profile = null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) userId = s;
        else if (node is JsonObject o)
        {
            foreach (var k in o.Select(p => p.Key).Where(k => k is not ("userId" or "profile")))
                errors[$"recipients[{i}].{k}"] = ["A recipient has userId and, optionally, profile."];
            userId = o["userId"] is JsonValue u && u.TryGetValue<string>(out var id) ? id : null;
            if (o["profile"] is JsonObject p) profile = p;
            else if (o.ContainsKey("profile"))
                errors[$"recipients[{i}].profile"] = ["A profile is a JSON object (a merge patch of the user's profile)."];
        }
        else { errors[$"recipients[{i}]"] = ["A recipient is a userId or {\"userId\", \"profile\"}."]; return null; }
        ProfileRules.CheckUserId(userId, $"recipients[{i}].userId", errors);
        if (userId is null || errors.ContainsKey($"recipients[{i}].userId")) return null;
        if (profile is not null)
            ProfileRules.Read((JsonObject)MergePatch.Apply(new JsonObject(), profile)!, userId, $"recipients[{i}].profile.", errors);
        return new TriggerRecipient(i, userId, profile);
    }
}
