using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Preferences;

/// <summary>
/// Turns a PUT or PATCH body into the stored preference set, naming every bad field: an unknown channel, day or time
/// zone is a 400; a category the tenant does not have, or opting out of a required one, is a 422.
/// </summary>
public static partial class PreferenceRules
{
    public const int MaxWindows = 28;
    public const int MaxTopics = 1000;

    /// <summary>A topic key's shape (Features/Sending/Topics checks the same): the preference names a topic, existing or not yet.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]
    private static partial System.Text.RegularExpressions.Regex TopicKey();
    public const int MaxUserIdLength = RecipientRules.MaxUserIdLength;

    public static void CheckUserId(string userId)
    {
        if (UserIdRule.Problem(userId) is { } problem) throw RequestValidationException.For("userId", problem);
    }

    /// <summary>A PUT: the body replaces everything. A PATCH: the body's entries replace those of <paramref name="current"/>.</summary>
    public static StoredPreferences Apply(StoredPreferences? current, PreferencesDocument doc, bool quietHoursGiven,
        TenantCategories categories)
    {
        var shape = new Dictionary<string, string[]>();
        var semantic = new Dictionary<string, string[]>();
        var channels = new Dictionary<string, bool>(current?.Channels ?? []);
        foreach (var (channel, on) in doc.Channels ?? [])
        {
            if (!ChannelNames.IsKnown(channel)) { shape[$"channels.{channel}"] = [UnknownChannel(channel)]; continue; }
            if (on is { } v) channels[channel] = v; else channels.Remove(channel);
        }

        var byCategory = (current?.Categories ?? []).ToDictionary(c => c.Key, c => new Dictionary<string, bool>(c.Value));
        foreach (var (key, perChannel) in doc.Categories ?? [])
        {
            var category = categories.Find(key);
            if (category is null) { semantic[$"categories.{key}"] = [$"The tenant has no category '{key}'."]; continue; }
            if (perChannel is null) { byCategory.Remove(key); continue; }
            var own = byCategory.TryGetValue(key, out var existing) ? existing : byCategory[key] = [];
            foreach (var (channel, on) in perChannel)
            {
                if (!ChannelNames.IsKnown(channel)) { shape[$"categories.{key}.{channel}"] = [UnknownChannel(channel)]; continue; }
                if (on is false && category.Required)
                {
                    semantic[$"categories.{key}.{channel}"] = [$"'{key}' is a required category: it cannot be turned off."];
                    continue;
                }
                if (on is { } v) own[channel] = v; else own.Remove(channel);
            }
            if (own.Count == 0) byCategory.Remove(key);
        }

        var topics = new Dictionary<string, bool>(current?.TopicSettings ?? [], StringComparer.Ordinal);
        foreach (var (topic, on) in doc.Topics ?? [])
        {
            if (!TopicKey().IsMatch(topic))
            {
                shape[$"topics.{topic}"] = ["Not a topic key (1 to 100 letters, digits, '.', '_', ':' or '-')."];
                continue;
            }
            if (on is { } v) topics[topic] = v; else topics.Remove(topic);
        }
        if (topics.Count > MaxTopics) shape["topics"] = [$"At most {MaxTopics} topic settings."];

        var digests = new Dictionary<string, DigestCadenceDto>(current?.DigestSettings ?? [], StringComparer.Ordinal);
        foreach (var (key, cadence) in doc.Digests ?? [])
        {
            if (categories.Find(key) is null) { semantic[$"digests.{key}"] = [$"The tenant has no category '{key}'."]; continue; }
            if (cadence is null) { digests.Remove(key); continue; }
            if (NotificationService.Workflows.Runs.DigestCadence.Parse(cadence.Cadence, cadence.At, cadence.Day, out var problems) is null)
                foreach (var (field, problem) in problems) shape[$"digests.{key}.{field}"] = [problem];
            else digests[key] = new DigestCadenceDto { Cadence = cadence.Cadence, At = cadence.At, Day = cadence.Day };
        }

        var quiet = quietHoursGiven ? doc.QuietHours : current?.QuietHours;
        if (quietHoursGiven && doc.QuietHours is { } q) CheckQuietHours(q, categories, shape, semantic);

        if (shape.Count > 0) throw new RequestValidationException(shape);
        if (semantic.Count > 0) throw new RequestValidationException(semantic, 422, string.Join(" ", semantic.Values.SelectMany(v => v)));
        return new StoredPreferences(channels, byCategory, quiet, topics, digests);
    }

    private static void CheckQuietHours(QuietHoursDto q, TenantCategories categories, Dictionary<string, string[]> shape,
        Dictionary<string, string[]> semantic)
    {
        // No time zone: the user's profile time zone at send time, else UTC.
        if (q.TimeZone is not null && (!TimeZoneInfo.TryFindSystemTimeZoneById(q.TimeZone, out var zone) || !zone.HasIanaId))
            shape["quietHours.timeZone"] = ["An IANA time zone, e.g. Europe/Paris (or none: the user's profile time zone, else UTC)."];
        var windows = q.Windows ?? [];
        if (windows.Count > MaxWindows) shape["quietHours.windows"] = [$"At most {MaxWindows} windows."];
        for (var i = 0; i < Math.Min(windows.Count, MaxWindows); i++)
        {
            var w = windows[i];
            if (w is null) { shape[$"quietHours.windows[{i}]"] = ["A window is an object with days, start and end."]; continue; }
            if (w.Days is not { Count: > 0 } days || days.Any(d => !QuietHours.DayNames.Contains(d)))
                shape[$"quietHours.windows[{i}].days"] = ["One or more of mon, tue, wed, thu, fri, sat, sun."];
            if (!QuietHours.TryParseTime(w.Start, out var start))
                shape[$"quietHours.windows[{i}].start"] = ["A local time, HH:mm or HH:mm:ss."];
            if (!QuietHours.TryParseTime(w.End, out var end)) shape[$"quietHours.windows[{i}].end"] = ["A local time, HH:mm or HH:mm:ss."];
            else if (start == end) shape[$"quietHours.windows[{i}].end"] = ["The window ends when it starts."];
        }
        foreach (var (key, behaviour) in q.Behaviour ?? [])
        {
            if (behaviour is not ("hold" or "drop")) shape[$"quietHours.behaviour.{key}"] = ["One of hold, drop."];
            else if (categories.Find(key) is null) semantic[$"quietHours.behaviour.{key}"] = [$"The tenant has no category '{key}'."];
        }
    }

    /// <summary>Stored quiet hours, parsed for evaluation; null when there are none (or they no longer parse).</summary>
    public static QuietHours? Parse(QuietHoursDto? q)
    {
        if (q?.Windows is not { Count: > 0 }) return null;
        TimeZoneInfo? zone = null;
        if (q.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(q.TimeZone, out zone)) return null;
        var windows = new List<QuietWindow>();
        foreach (var w in q.Windows)
            if (w?.Days is { } days && QuietHours.TryParseTime(w.Start, out var start) && QuietHours.TryParseTime(w.End, out var end)
                && start != end)
                windows.Add(new QuietWindow(
                    days.Select(d => (DayOfWeek)Array.IndexOf(QuietHours.DayNames, d)).Where(d => (int)d >= 0).ToHashSet(), start, end));
        return windows.Count == 0 ? null : new QuietHours(zone, windows, q.Behaviour ?? []);
    }

    private static string UnknownChannel(string channel) => $"Unknown channel '{channel}': one of {string.Join(", ", ChannelNames.All)}.";
}
