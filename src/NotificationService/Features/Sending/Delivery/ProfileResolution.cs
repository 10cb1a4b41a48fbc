using NotificationService.Channels;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>The claimed batch with each send by userId given its profile's address,
/// the profiles read, and the users erased with a block.</summary>
public sealed record ResolvedBatch(IReadOnlyDictionary<Guid, ClaimedNotification> Records,
    IReadOnlyDictionary<(Guid, string), StoredProfile> Profiles, IReadOnlySet<(Guid TenantId, string UserId)> Blocked)
{
    /// <summary>A send to a userId erased with `block=true`: it ends `skipped`, reason `erased`.</summary>
    public bool IsBlocked(ClaimedNotification n) =>
        Blocked.Count > 0 && n.Recipient.UserId is { } user && Blocked.Contains((n.TenantId, user));

    public StoredProfile? ProfileOf(ClaimedNotification n) =>
        n.Recipient.UserId is { } user && Profiles.TryGetValue((n.TenantId, user), out var p) ? p : null;
}

/// <summary>
/// Sends by userId, at delivery time: a notification whose recipient has a userId but no address for its channel takes
/// the address its profile has NOW (changed after accept: the new one); an address given in the send wins. The profiles
/// are read in one statement per claimed batch, and only for the notifications that need one (no address, or a template
/// that reads `{{recipient.*}}`): a batch of sends that carry their addresses reads nothing. Every send naming a userId is
/// checked against the blocked users (one statement per claimed batch that has any, in the same round trip as the
/// profiles), so a user erased with `block=true` gets nothing, whatever address the send carries.
/// </summary>
public sealed class ProfileResolution(ProfileStore profiles)
{
    public async Task<ResolvedBatch> ResolveAsync(IReadOnlyDictionary<Guid, ClaimedNotification> records,
        IReadOnlyDictionary<Guid, TemplateVersion> versions, CancellationToken ct)
    {
        var users = records.Values.Where(r => !string.IsNullOrEmpty(r.Recipient.UserId))
            .Select(r => (r.TenantId, r.Recipient.UserId!)).Distinct().ToList();
        var wanted = records.Values.Where(r => NeedsProfile(r, versions)).Select(r => (r.TenantId, r.Recipient.UserId!)).ToHashSet();
        var (blocked, found) = await profiles.ForDeliveryAsync(users, wanted, ct);
        if (wanted.Count == 0) return new ResolvedBatch(records, found, blocked);
        var resolved = records.ToDictionary(r => r.Key,
            r => MissingAddress(r.Value) && found.TryGetValue((r.Value.TenantId, r.Value.Recipient.UserId ?? ""), out var p)
            ? WithAddress(r.Value, p.Fields) : r.Value);
        return new ResolvedBatch(resolved, found, blocked);
    }

    /// <summary>The channel needs an address (email, SMS, WhatsApp, a chat destination) and the notification has none.</summary>
    public static bool MissingAddress(ClaimedNotification n) => n.Channel switch
    {
        ChannelNames.Email => string.IsNullOrEmpty(n.Recipient.Email),
        ChannelNames.Sms or ChannelNames.WhatsApp => string.IsNullOrEmpty(n.Recipient.Phone),
        ChannelNames.Chat => n.Recipient.Chat is null,
        _ => false,
    };

    private static bool NeedsProfile(ClaimedNotification n, IReadOnlyDictionary<Guid, TemplateVersion> versions) =>
        !string.IsNullOrEmpty(n.Recipient.UserId)
        && (MissingAddress(n) || MessageRenderer.MentionsRecipient(n, n.TemplateVersionId is { } v ? versions.GetValueOrDefault(v) : null));

    private static ClaimedNotification WithAddress(ClaimedNotification n, ProfileFields profile) => n.Channel switch
    {
        ChannelNames.Email => n with { Recipient = n.Recipient with { Email = profile.Email } },
        ChannelNames.Chat => n with { Recipient = n.Recipient with { Chat = profile.Chat } },
        _ => n with { Recipient = n.Recipient with { Phone = profile.Phone } },
    };
}
