using System.Text.Json.Nodes;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>A validated notification about to be accepted: one recipient on one channel, in the shape the ledger stores.
/// <see cref="TraceParent"/>: the trace of the request that made it, which its delivery job and its `notification.accepted`
/// webhooks continue (null: whatever activity is current when it is written). It matters where drafts of concurrent
/// requests commit together (the accept flush), whose own activity is only the first request's.</summary>
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
    bool OverridePreferences = false,
    string? TraceParent = null);
