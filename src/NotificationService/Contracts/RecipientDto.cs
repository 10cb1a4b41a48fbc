namespace NotificationService.Contracts;

/// <summary>
/// Who receives a notification, as the API takes it (send, batch, test sends, provider tests). The ledger stores its
/// own shape (StoredRecipient); this one can change with the API without touching stored rows.
/// </summary>
public sealed record RecipientDto
{
    public string? UserId { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string[]? DeviceTokens { get; init; }
    /// <summary>Where a chat message goes (the chat channel); without it, a userId's profile `chat` at delivery.</summary>
    public NotificationService.Channels.Chat.ChatDestination? Chat { get; init; }
}
