namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// One provider event, normalised. Correlation is by our notification id (SendGrid custom_args) or the
/// provider's message id (Twilio MessageSid, Meta wamid). <see cref="Status"/> is null for events that change
/// no status (deferred, spam report): they may still suppress the address.
/// </summary>
public sealed record ProviderEvent(
    Guid? NotificationId,
    string? ProviderMessageId,
    string? Status,
    string? Detail,
    string? Error = null,
    DateTimeOffset? At = null,
    string? DedupeKey = null,
    Suppression? Suppress = null);

/// <summary>Add an address to the tenant's suppression list. Address null: the notification's own recipient.</summary>
public sealed record Suppression(string Reason, string? Address = null);
