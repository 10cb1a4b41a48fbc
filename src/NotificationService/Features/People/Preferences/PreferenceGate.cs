using NotificationService.Channels;
using NotificationService.Features.People.Recipients;

namespace NotificationService.Features.People.Preferences;

/// <summary>One notification about to be sent, as the gate needs it (its own type: Preferences knows nothing of Notifications).
/// <paramref name="ProfileTimeZone"/>: the user's profile time zone when the caller already read the profile.
/// <paramref name="Topics"/>: the topics a send to topics reached the user through (a topic mute applies).</summary>
public sealed record PreferenceSubject(Guid Key, Guid TenantId, string Channel, string? Category, string? UserKey, bool Override,
    string? ProfileTimeZone = null, IReadOnlyList<string>? Topics = null);

public abstract record PreferenceDecision
{
    private PreferenceDecision() { }

    /// <summary>Send it. Links go into the template data; <paramref name="OneClick"/>: a commercial email, so List-Unsubscribe
    /// headers too.</summary>
    public sealed record Deliver(string? UnsubscribeUrl, string? PreferencesUrl, bool OneClick) : PreferenceDecision;

    /// <summary>The user opted out (or quiet hours drop this category): suppressed with <paramref name="Reason"/>.</summary>
    public sealed record OptedOut(string Reason) : PreferenceDecision;

    /// <summary>Quiet hours: postpone until <paramref name="Until"/> and check again then.</summary>
    public sealed record Held(DateTimeOffset Until) : PreferenceDecision;
}

/// <summary>
/// Applies preferences at send time, with the preferences of that moment, set-based: the tenants' categories come from
/// the cache and every recipient's preferences from one query per claimed batch. Resolution for a category on a
/// channel: the user's own setting, then the tenant's category default, then on. A required category, or a send with
/// overridePreferences, ignores opt-outs, topic mutes and quiet hours. Quiet hours never hold in_app (it makes no sound). Quiet hours
/// that name no time zone follow the user's profile time zone (read in one more statement, only for those), else UTC.
/// </summary>
public sealed class PreferenceGate(CategoryStore categories, PreferenceStore preferences, PreferenceLinks links,
    ProfileStore profiles, TimeProvider clock)
{
    /// <summary>A decision for every subject that is not a plain "send, no links" (most of them, when nothing is set).</summary>
    public async Task<Dictionary<Guid, PreferenceDecision>> DecideAsync(IReadOnlyList<PreferenceSubject> subjects, CancellationToken ct)
    {
        var decisions = new Dictionary<Guid, PreferenceDecision>();
        if (subjects.Count == 0) return decisions;
        var byTenant = new Dictionary<Guid, TenantCategories>();
        foreach (var tenant in subjects.Select(s => s.TenantId).Distinct()) byTenant[tenant] = await categories.ForTenantAsync(tenant, ct);
        var stored = await preferences.LoadManyAsync(subjects.Where(s => s.UserKey is not null && !s.Override)
            .Select(s => (s.TenantId, s.UserKey!)).Distinct().ToList(), ct);
        var now = clock.GetUtcNow();
        var zones = await ProfileZonesAsync(subjects, stored, ct);
        foreach (var s in subjects)
        {
            var own = s.UserKey is null ? null : stored.GetValueOrDefault((s.TenantId, s.UserKey));
            var zone = s.ProfileTimeZone ?? (s.UserKey is null ? null : zones.GetValueOrDefault((s.TenantId, s.UserKey)));
            if (Decide(s, byTenant[s.TenantId].Find(s.Category), own, zone, now) is { } d) decisions[s.Key] = d;
        }
        return decisions;
    }

    /// <summary>Profile time zones of the users whose quiet hours name none and whose profile the caller did not read.</summary>
    private async Task<Dictionary<(Guid, string), string>> ProfileZonesAsync(IReadOnlyList<PreferenceSubject> subjects,
        IReadOnlyDictionary<(Guid, string), StoredPreferences> stored, CancellationToken ct)
    {
        var users = subjects.Where(s => s.ProfileTimeZone is null && s.UserKey is not null && UserKeys.UserIdOf(s.UserKey) is not null
                && stored.GetValueOrDefault((s.TenantId, s.UserKey))?.Quiet is { Zone: null })
            .Select(s => (s.TenantId, UserKeys.UserIdOf(s.UserKey!)!)).Distinct().ToList();
        var zones = new Dictionary<(Guid, string), string>();
        if (users.Count == 0) return zones;
        foreach (var ((tenant, userId), profile) in await profiles.FindManyAsync(users, ct))
            if (profile.Fields.Timezone is { } zone) zones[(tenant, UserKeys.ForUser(userId))] = zone;
        return zones;
    }

    private PreferenceDecision? Decide(PreferenceSubject s, Category? category, StoredPreferences? own, string? profileZone,
        DateTimeOffset now)
    {
        if (!s.Override && category?.Required != true)
        {
            // A topic the user muted: a send to it does not reach them (unless it also reached them through a topic they did not mute).
            if (s.Topics is { Count: > 0 } topics && own?.MutedTopic(topics) is { } muted)
                return new PreferenceDecision.OptedOut($"preference:topic/{muted}");
            var on = own?.OwnChoice(s.Category, s.Channel) ?? category?.DefaultFor(s.Channel) ?? true;
            if (!on) return new PreferenceDecision.OptedOut($"preference:{s.Category ?? "none"}/{s.Channel}");
            if (s.Channel != ChannelNames.InApp && own?.Quiet is { } quiet && quiet.EndOfQuietAt(now, Zone(profileZone)) is { } until)
            {
                var behaviour = s.Category is not null && quiet.Behaviour.TryGetValue(s.Category, out var b)
                    ? b
                    : category?.QuietHours ?? "hold";
                return behaviour == "drop"
                    ? new PreferenceDecision.OptedOut($"quiet_hours:{s.Category ?? "none"}/{s.Channel}")
                    : new PreferenceDecision.Held(until);
            }
        }
        return Links(s, category);
    }

    private static TimeZoneInfo? Zone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    /// <summary>Emails get {{unsubscribeUrl}} (not for required categories) and {{preferencesUrl}} when the service knows its
    /// public URL.</summary>
    private PreferenceDecision.Deliver? Links(PreferenceSubject s, Category? category)
    {
        if (s.Channel != ChannelNames.Email || s.UserKey is null || links.BaseUrl is null) return null;
        var unsubscribe = category is { Required: false } ? links.UnsubscribeUrl(s.TenantId, s.UserKey, category.Key, s.Channel) : null;
        return new PreferenceDecision.Deliver(unsubscribe, links.PreferencesUrl(s.TenantId, s.UserKey),
            OneClick: category?.Commercial == true);
    }
}
