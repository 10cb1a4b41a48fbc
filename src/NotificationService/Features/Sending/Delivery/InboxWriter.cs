using System.Text.Json;
using NotificationService.Channels;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>
/// The built-in in_app channel: hands delivered messages to the inbox in batches (one statement per batch across
/// users; the inbox keeps its rows, counters and stream events together). Redelivery is harmless: the row is keyed
/// by notification id and only a new row counts.
/// </summary>
public sealed class InboxWriter : IAsyncDisposable
{
    private readonly BatchingWriter<OutgoingMessage> _writer;

    public InboxWriter(InboxStore inbox) => _writer = new((rows, ct) => inbox.DeliverAsync(rows.Select(ToDelivery).ToList(), ct));

    private static InboxDelivery ToDelivery(OutgoingMessage m) => new(m.NotificationId, m.TenantId, m.Recipient.UserId ?? "",
        m.Content.Title, m.Content.Body, m.Content.ActionUrl, m.Content.Icon, m.Category,
        m.Content.Data is { Count: > 0 } data ? JsonSerializer.Serialize(data) : null, ExpiresAt(m),
        m.Content.Actions is { Count: > 0 } actions
            ? JsonSerializer.Serialize(actions.Select(a => new { label = a.Label, url = a.Url })) : null,
        m.Metadata?.GetValueOrDefault(SendThread.MetadataKey) is { Length: > 0 } thread ? thread : null);

    /// <summary>`expiresAt` of an in_app send travels in its metadata (ISO 8601), validated at accept.</summary>
    private static DateTimeOffset? ExpiresAt(OutgoingMessage m) =>
        InboxExpiry.TryParse(m.Metadata?.GetValueOrDefault(InboxExpiry.MetadataKey), out var at) ? at : null;

    public async Task<DeliveryResult> WriteAsync(OutgoingMessage message)
    {
        if (string.IsNullOrEmpty(message.Recipient.UserId)) return new DeliveryResult.Permanent("in_app needs recipient.userId", "no_user");
        await _writer.WriteAsync(message);
        return new DeliveryResult.Sent(message.NotificationId.ToString());
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
