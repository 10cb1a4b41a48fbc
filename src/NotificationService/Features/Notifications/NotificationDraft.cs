using System.Text.Json.Nodes;
using NotificationService.Queue;

namespace NotificationService.Features.Notifications;

/// <summary>A validated notification about to be written: one recipient on one channel.</summary>
public sealed record NotificationDraft(
    Guid Id,
    Guid TenantId,
    string Channel,
    JobPriority Priority,
    RecipientDto Recipient,
    string? TemplateKey,
    Guid? TemplateVersionId,
    string? Locale,
    ContentDto? Content,
    JsonObject? Data,
    string? Category,
    JsonObject? Metadata,
    DateTimeOffset? SendAt,
    Guid? BatchId = null);
