using System.Text.Json.Nodes;
using NotificationService.Queue;

namespace NotificationService.Features.Notifications;

/// <summary>A validated notification about to be accepted: one recipient on one channel, in the shape the ledger stores.</summary>
public sealed record NotificationDraft(
    Guid Id,
    Guid TenantId,
    string Channel,
    JobPriority Priority,
    StoredRecipient Recipient,
    string? TemplateKey,
    Guid? TemplateVersionId,
    string? Locale,
    StoredContent? Content,
    JsonObject? Data,
    string? Category,
    JsonObject? Metadata,
    DateTimeOffset? SendAt,
    Guid? BatchId = null,
    bool OverridePreferences = false);
