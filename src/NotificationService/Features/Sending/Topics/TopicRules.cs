using System.Text.RegularExpressions;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>
/// What a topic key, a membership change and a topic send look like. Keys are 1–100 characters of letters, digits and
/// `. _ : -`, starting with a letter or digit (`building-12`, `customer:acme`): safe in a URL path, in a preference key
/// and in a suppression reason (`preference:topic/&lt;key&gt;`). The database checks the same pattern.
/// </summary>
public static partial class TopicRules
{
    public const int MaxKeyLength = 100;
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 2000;
    /// <summary>userIds per membership call: one statement each way, so 10,000 is one round trip.</summary>
    public const int MaxMembersPerCall = 10_000;
    /// <summary>Topics one send or event names (a member's topics are a bit mask of them).</summary>
    public const int MaxTopicsPerSend = 20;
    public const int MaxExcludedUsers = 10_000;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]
    private static partial Regex KeyShape();

    public static bool IsKey(string? key) => key is not null && KeyShape().IsMatch(key);

    public const string KeyProblem = "A topic key is 1 to 100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.";

    public static string CheckedKey(string key) => IsKey(key) ? key : throw RequestValidationException.For("key", KeyProblem);

    /// <summary>What a topic's name and description may be, the same through its own route and a configuration push.</summary>
    public static void CheckDetails(string? name, string? description, Dictionary<string, string[]> errors)
    {
        if (name is not null && (name.Length > MaxNameLength || string.IsNullOrWhiteSpace(name)))
            errors["name"] = [$"A name is 1 to {MaxNameLength} characters."];
        if (description is { Length: > MaxDescriptionLength }) errors["description"] = [$"At most {MaxDescriptionLength} characters."];
    }

    /// <summary>
    /// The userIds of a membership call, distinct and in byte order (every call touches rows in one order, so two calls
    /// naming the same users cannot deadlock), or a 400 naming each bad one.
    /// </summary>
    public static string[] CheckedUserIds(string[]? userIds, string field = "userIds", int max = MaxMembersPerCall)
    {
        if (userIds is null || userIds.Length == 0) throw RequestValidationException.For(field, "At least one userId.");
        if (userIds.Length > max) throw RequestValidationException.For(field, $"At most {max:N0} userIds per call.");
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < userIds.Length; i++)
            if (UserIdRule.Problem(userIds[i]) is { } problem) errors[$"{field}[{i}]"] = [problem];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return [.. userIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public static bool IsUserId(string? userId) => UserIdRule.IsValid(userId);

    /// <summary>The topics a send or an event names: 1 to 20 keys, each well formed, none twice.</summary>
    public static string[] CheckedTopics(string[]? topics, string field, IDictionary<string, string[]> errors)
    {
        if (topics is null || topics.Length == 0) { errors[field] = ["Name at least one topic."]; return []; }
        if (topics.Length > MaxTopicsPerSend) { errors[field] = [$"At most {MaxTopicsPerSend} topics."]; return []; }
        for (var i = 0; i < topics.Length; i++)
            if (!IsKey(topics[i])) errors[$"{field}[{i}]"] = [KeyProblem];
        if (topics.Distinct(StringComparer.Ordinal).Count() != topics.Length) errors[field] = ["A topic is named twice."];
        return topics;
    }
}
