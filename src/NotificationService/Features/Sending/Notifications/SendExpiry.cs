using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Features.People.Inbox;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// `expiresAt` of a send: when its in_app item leaves the user's inbox (lists and counts). It is stored where the inbox
/// already reads it, the in_app notification's metadata (`metadata.expiresAt`, normalised to UTC), so accepting it adds
/// no column to the ledger's COPY and no migration. A send may still give `metadata.expiresAt` itself (compatibility);
/// both follow the same rules.
/// </summary>
public static class SendExpiry
{
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(365);

    private const string Field = "expiresAt";
    private const string MetadataField = "metadata." + InboxExpiry.MetadataKey;

    /// <summary>The valid expiry the send gives (top-level or in its metadata) or null; a bad one adds an error naming its field.</summary>
    public static DateTimeOffset? Check(SendParts req, IReadOnlyCollection<string> channels, DateTimeOffset now,
        Dictionary<string, string[]> errors)
    {
        var inMetadata = req.Metadata?[InboxExpiry.MetadataKey];
        if (req.ExpiresAt is { } top)
        {
            if (inMetadata is not null) return Fail(errors, Field, "Give expiresAt or metadata.expiresAt, not both.");
            if (!channels.Contains(ChannelNames.InApp))
                return Fail(errors, Field, "Only an in_app item expires: this send has no in_app channel.");
            return InRange(Field, top, req.SendAt, now, errors);
        }
        // On other channels metadata.expiresAt is the caller's own label, as any metadata key.
        if (inMetadata is null || !channels.Contains(ChannelNames.InApp)) return null;
        if (!InboxExpiry.TryParse(inMetadata, out var at))
            return Fail(errors, MetadataField,
                "An ISO 8601 date-time with an offset (e.g. 2026-12-01T00:00:00Z): when the in-app item leaves the inbox.");
        return InRange(MetadataField, at, req.SendAt, now, errors);
    }

    /// <summary>The in_app notification's metadata with the expiry in the one form the inbox reads
    /// (a copy: drafts share the request's).</summary>
    public static JsonObject Stamp(JsonObject? metadata, DateTimeOffset at)
    {
        var stamped = metadata?.DeepClone().AsObject() ?? [];
        stamped[InboxExpiry.MetadataKey] = at.ToUniversalTime().ToString("O");
        return stamped;
    }

    private static DateTimeOffset? InRange(string field, DateTimeOffset at, DateTimeOffset? sendAt, DateTimeOffset now,
        Dictionary<string, string[]> errors)
    {
        if (at <= now) return Fail(errors, field, "Must be in the future.");
        if (at - now > MaxAhead) return Fail(errors, field, "At most one year ahead.");
        if (sendAt is { } s && at <= s) return Fail(errors, field, "Must be after sendAt: the item would expire before it is sent.");
        return at;
    }

    private static DateTimeOffset? Fail(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return null;
    }
}
