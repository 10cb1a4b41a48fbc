namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// Accepts a send whose recipient names topics: a fan-out, answered 202 at once whatever the topics' size. The Topics
/// feature implements it; Notifications declares the seam so that it does not depend on Topics (which uses the send path).
/// </summary>
public interface ITopicSendAcceptor
{
    /// <param name="statusBaseUrl">Where the notifications' status lives (`…/api/v1/services/notifications`);
    /// the fan-out's is under it.</param>
    Task<SendHandler.Outcome> AcceptAsync(Guid tenantId, SendRequest request, byte[] rawBody,
        string? idempotencyKey, string statusBaseUrl, CancellationToken ct);
}
