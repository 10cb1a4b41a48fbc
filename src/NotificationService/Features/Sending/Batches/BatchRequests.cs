using System.Text.Json.Nodes;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Sending.Batches;

/// <summary>`POST /send-batch`: the common part of a send plus up to 1,000 recipients, each with its own data.</summary>
public sealed record SendBatchRequest : SendParts
{
    public BatchRecipient[]? Recipients { get; init; }
}

/// <summary>`POST /send-chunk`: more recipients for an existing batch, which supplies everything else.</summary>
public sealed record SendChunkRequest
{
    public Guid? BatchId { get; init; }
    public BatchRecipient[]? Recipients { get; init; }
}

public sealed record BatchRecipient
{
    public string? UserId { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string[]? DeviceTokens { get; init; }
    /// <summary>Where the chat channel reaches this recipient (else their profile's, by userId).</summary>
    public NotificationService.Channels.Chat.ChatDestination? Chat { get; init; }
    public string? Locale { get; init; }
    public JsonObject? Data { get; init; }
}

public sealed record RejectedRecipient(int Index, IDictionary<string, string[]> Errors);

public sealed record BatchAccepted(Guid BatchId, int Accepted, IReadOnlyList<RejectedRecipient> Rejected);
