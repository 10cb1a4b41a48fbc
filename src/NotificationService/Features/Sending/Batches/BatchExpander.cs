using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Batches;

/// <summary>
/// Turns a batch definition and its recipients into drafts with the single-send rules (SendValidator),
/// so a batch and a send can never disagree on what is valid. A problem with a recipient rejects that
/// recipient; a problem with the shared part (channel, template, content…) rejects the whole request.
/// </summary>
public sealed class BatchExpander(SendValidator validator, TemplateResolver templates, ProfileStore profiles)
{
    public const int MaxRecipients = 1000;
    private static readonly string[] RecipientFields = ["recipient", "data", "locale"];

    public async Task<(List<NotificationDraft> Drafts, List<RejectedRecipient> Rejected)> ExpandAsync(
        Guid tenantId, Guid batchId, SendBatchRequest definition, BatchRecipient[]? recipients, CancellationToken ct)
    {
        if (recipients is null || recipients.Length == 0)
            throw RequestValidationException.For("recipients", "At least one recipient is required.");
        if (recipients.Length > MaxRecipients)
            throw RequestValidationException.For("recipients",
                $"At most {MaxRecipients} recipients per request; send more with send-chunk.");

        InlineContentLimits.Check(definition.Content); // shared by every recipient: checked once
        var drafts = new List<NotificationDraft>(recipients.Length);
        var rejected = new List<RejectedRecipient>();
        var locales = await ProfileLocalesAsync(tenantId, definition, recipients, ct);
        for (var i = 0; i < recipients.Length; i++)
        {
            try
            {
                var known = locales is null ? null
                    : new KnownProfileLocale(recipients[i].UserId is { } u ? locales.GetValueOrDefault(u) : null);
                drafts.AddRange(await validator.ValidateAsync(tenantId, ToSend(definition, recipients[i]), ct, known,
                    contentLimitsChecked: true, batchId));
            }
            catch (RequestValidationException e)
            {
                var shared = e.Errors.Where(x => !RecipientFields.Any(f => x.Key.StartsWith(f, StringComparison.Ordinal))).ToDictionary();
                if (shared.Count > 0) throw new RequestValidationException(shared, e.Status, e.Message);
                rejected.Add(new RejectedRecipient(i, e.Errors));
            }
        }
        return (drafts, rejected);
    }

    /// <summary>
    /// The profile locales of the recipients that name no locale, for the template variant each gets: one statement for the
    /// whole request, and none unless the template is published in several locales. Null: not looked up.
    /// </summary>
    private async Task<Dictionary<string, string>?> ProfileLocalesAsync(Guid tenantId, SendBatchRequest d, BatchRecipient[] recipients,
        CancellationToken ct)
    {
        if (d.Template is null || d.Locale is not null) return null;
        var users = recipients.Where(r => r is { Locale: null, UserId.Length: > 0 }).Select(r => r.UserId!).Distinct().ToList();
        if (users.Count == 0) return null;
        foreach (var channel in d.Channels ?? (d.Channel is null ? [] : [d.Channel]))
            if (ChannelNames.IsKnown(channel) && await templates.HasLocaleVariantsAsync(tenantId, d.Template, channel, ct))
                return await profiles.LocalesAsync(tenantId, users, ct);
        return null;
    }

    private static SendRequest ToSend(SendBatchRequest d, BatchRecipient r) => new()
    {
        Channel = d.Channel, Channels = d.Channels, Template = d.Template, Content = d.Content,
        Recipient = new SendRecipient { UserId = r.UserId, Email = r.Email, Phone = r.Phone, DeviceTokens = r.DeviceTokens, Chat = r.Chat },
        Data = Merge(d.Data, r.Data), Locale = r.Locale ?? d.Locale, Category = d.Category, Priority = d.Priority,
        SendAt = d.SendAt, ExpiresAt = d.ExpiresAt, Thread = d.Thread, Metadata = d.Metadata, OverridePreferences = d.OverridePreferences,
    };

    /// <summary>
    /// The recipient's data over the batch's common data (shallow: top-level keys). The recipient's own object becomes the
    /// merged one (it belongs to this request and nothing reads it after): only the common keys it lacks are copied in,
    /// instead of a copy of both per recipient. Key order is not kept (jsonb stores keys in its own order anyway).
    /// </summary>
    private static JsonObject? Merge(JsonObject? common, JsonObject? own)
    {
        if (own is null) return common;
        if (common is null) return own;
        foreach (var (k, v) in common)
            if (!own.ContainsKey(k)) own[k] = v?.DeepClone();
        return own;
    }
}
