using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Features.People.Devices;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.People.Recipients;
using NotificationService.Infrastructure;

using NotificationService.Features.Sending.Topics;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>The export's shape, for the OpenAPI document (<see cref="UserExport"/> writes it piece by piece).</summary>
public sealed record UserExportDocument(string UserId, DateTimeOffset ExportedAt, ProfileView? Profile, StoredPreferences? Preferences,
    IReadOnlyList<UserDevice> Devices, IReadOnlyList<JsonObject> Inbox, IReadOnlyList<PersonNotification> Notifications);

/// <summary>
/// A subject-access export (GDPR Art. 15/20): everything stored about a user as one JSON document, written with a
/// <see cref="Utf8JsonWriter"/> straight to the response as it is read: the profile, preferences (the user's), devices,
/// the topics they are in, the inbox's live items, and every notification with its history (by userId, then those sent to
/// the profile's email or
/// phone without the userId), in keyset pages of <see cref="PageSize"/>, so a user with 100,000 notifications is never
/// held in memory. Flushed after each page.
/// </summary>
public sealed class UserExport(ProfileStore profiles, PreferenceStore preferences, DeviceStore devices, InboxStore inbox,
    NotificationQueries notifications, TopicStore topics)
{
    public const int PageSize = 500;
    private static readonly JsonSerializerOptions Json = JsonBody.Options;

    public async Task WriteAsync(Guid tenantId, string userId, Stream body, CancellationToken ct)
    {
        await using var w = new Utf8JsonWriter(body);
        var profile = await profiles.FindAsync(tenantId, userId, ct);
        w.WriteStartObject();
        w.WriteString("userId", userId);
        w.WriteString("exportedAt", DateTimeOffset.UtcNow);
        w.WritePropertyName("profile");
        JsonSerializer.Serialize(w, profile?.ToView(), Json);
        w.WritePropertyName("preferences");
        JsonSerializer.Serialize(w, await preferences.GetAsync(tenantId, UserKeys.ForUser(userId), ct), Json);
        w.WritePropertyName("devices");
        JsonSerializer.Serialize(w, await devices.ListAsync(tenantId, userId, ct), Json);

        w.WriteStartArray("topics");
        for (string? afterKey = null; ;)
        {
            var page = await topics.OfUserAsync(tenantId, userId, afterKey, PageSize, ct);
            foreach (var topic in page) JsonSerializer.Serialize(w, topic, Json);
            if (page.Count < PageSize) break;
            afterKey = page[^1].Key;
        }
        w.WriteEndArray();

        w.WriteStartArray("inbox");
        (DateTime, Guid)? after = null;
        do
        {
            var page = await inbox.ListAsync(tenantId, userId, new InboxQuery("all", "include", null, PageSize, after), ct);
            foreach (var item in page.Items) item!.WriteTo(w);
            after = page.NextCursor is { } cursor ? InboxCursor.Decode(cursor) : null;
            await w.FlushAsync(ct);
        } while (after is not null);
        w.WriteEndArray();

        w.WriteStartArray("notifications");
        await WriteNotificationsAsync(w, tenantId, EraseMatch.UserId, [userId], userId, ct);
        if (profile?.Fields.Email is { } email) await WriteNotificationsAsync(w, tenantId, EraseMatch.Email, [email], userId, ct);
        if (profile?.Fields.Phone is { } phone) await WriteNotificationsAsync(w, tenantId, EraseMatch.Phone, [phone], userId, ct);
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(ct);
    }

    private async Task WriteNotificationsAsync(Utf8JsonWriter w, Guid tenantId, EraseMatch match, string[] keys, string userId,
        CancellationToken ct)
    {
        Guid? after = null;
        while (true)
        {
            var page = await notifications.PageForPersonAsync(tenantId, match, keys, userId, after, PageSize, withHistory: true, ct);
            foreach (var n in page) JsonSerializer.Serialize(w, n, Json);
            await w.FlushAsync(ct);
            if (page.Count < PageSize) return;
            after = page[^1].Id;
        }
    }
}
