using NotificationService.Channels;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>The upload's options (multipart fields), kept on the job so any replica can process it.</summary>
public sealed record BulkOptions
{
    /// <summary>`send` (a CSV of recipients to send to) or `profiles` (a CSV of recipient profiles to import).</summary>
    public string Kind { get; init; } = SendKind;
    public const string SendKind = "send", ProfilesKind = "profiles";
    /// <summary>Profile imports: merge each row into the stored profile (RFC 7396) rather than replace it.</summary>
    public bool Merge { get; init; }
    public bool IsProfileImport => Kind == ProfilesKind;
    public string Channel { get; init; } = "";
    public string Template { get; init; } = "";
    public string? Locale { get; init; }
    public string? Priority { get; init; }
    public bool DryRun { get; init; }
    /// <summary>The tenant category every row is sent in (checked at upload; the tenant's default when none is given).</summary>
    public string? Category { get; init; }
    /// <summary>Past opt-outs and quiet hours (the uploading key had `notifications:override`).</summary>
    public bool OverridePreferences { get; init; }
    public string Delimiter { get; init; } = ",";
    /// <summary>CSV column → recipient field (email, phone, user_id, device_token, locale). Other columns become template data.</summary>
    public Dictionary<string, string> Mapping { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public static readonly string[] RecipientFields = ["email", "phone", "user_id", "device_token", "locale"];

    /// <summary>The column that holds <paramref name="field"/>: a mapped column, or the column named like the field.</summary>
    public string? ColumnFor(string field, IReadOnlyList<string> header) =>
        Mapping.FirstOrDefault(m => m.Value.Equals(field, StringComparison.OrdinalIgnoreCase)).Key is { } mapped
            && header.Contains(mapped, StringComparer.OrdinalIgnoreCase)
            ? header.First(h => h.Equals(mapped, StringComparison.OrdinalIgnoreCase))
            : header.FirstOrDefault(h => h.Equals(field, StringComparison.OrdinalIgnoreCase));

    /// <summary>The recipient columns the channel cannot do without (any one of them): a user_id stands in for an address,
    /// which its profile gives at delivery.</summary>
    public string[] RequiredFields => IsProfileImport ? ["user_id"] : Channel switch
    {
        ChannelNames.Email => ["email", "user_id"],
        ChannelNames.Sms or ChannelNames.WhatsApp => ["phone", "user_id"],
        ChannelNames.Push => ["device_token", "user_id"],
        _ => ["user_id"],
    };
}
