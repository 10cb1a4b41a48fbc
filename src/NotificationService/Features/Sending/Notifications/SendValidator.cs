using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Contracts;
using System.Security.Claims;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.People.Preferences;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>The recipient's profile locale, when the caller already looked it up (a batch reads its recipients' at once).</summary>
public sealed record KnownProfileLocale(string? Locale);

/// <summary>
/// Turns a send request into drafts, one per channel, or throws naming every bad field:
/// shape problems are 400; inline content past the template limits, a channel without an enabled provider or an
/// unknown template is 422. A recipient with a userId needs no address (the profile's is used at delivery);
/// `recipient.profile` is checked as a profile patch. A send naming no locale gets the template variant of the profile's locale.
/// A template send whose data lacks a variable the pinned version requires is 422 naming them under `data`
/// (<see cref="RequiredData"/>): accepted, it could only fail at delivery.
/// </summary>
public sealed class SendValidator(ProviderDirectory providers, TemplateResolver templates, CategoryStore categories, ProfileStore profiles,
    TenantStore tenants, RequiredData requiredData, TimeProvider clock, ChatHostCheck chatHosts)
{
    public const int MaxSubjectLength = 998;
    public const int MaxBodyLength = 256 * 1024;
    public const int MaxSmsLength = 1600;
    public const int MaxDataDepth = 32;
    public const int MaxMetadataEntries = 50;
    /// <summary>The metadata key that marks a workflow test run's sends (delivery takes them to the sandbox, analytics leaves
    /// them out); only the engine may set it.</summary>
    public const string TestRunMetadata = "workflowTestRun";
    public static readonly TimeSpan MaxSchedule = TimeSpan.FromDays(365);

    /// <param name="contentLimitsChecked">A batch checks its shared content once
    /// (<see cref="InlineContentLimits"/>), not per recipient.</param>
    /// <param name="batchId">The batch the drafts belong to (a batch recipient's).</param>
    /// <param name="dataChecked">The caller checks the template data itself (a workflow trigger, per step, in its own words).</param>
    /// <param name="byEngine">The workflow engine's own send, which may carry the metadata the service reserves for itself.</param>
    public async Task<IReadOnlyList<NotificationDraft>> ValidateAsync(Guid tenantId, SendRequest req, CancellationToken ct,
        KnownProfileLocale? profileLocale = null, bool contentLimitsChecked = false, Guid? batchId = null, bool dataChecked = false,
        bool byEngine = false)
    {
        var errors = new Dictionary<string, string[]>();
        var channels = ChannelsOf(req, errors);
        var recipient = req.Recipient?.ToDto();
        if (recipient is null) errors["recipient"] = ["A recipient is required."];
        else foreach (var c in channels) RecipientRules.Check(c, recipient, errors, fromProfile: true);
        if (recipient?.Chat is { } chat) await chatHosts.CheckAsync(ChatHostCheck.Of(chat, "recipient.chat"), errors, ct);
        if (req.Recipient?.Profile is { } patch) CheckProfilePatch(req.Recipient, patch, errors);
        // The tenant's link policy only where a link is given: a send without action buttons reads nothing more.
        var links = req.Content?.Actions is { Length: > 0 } ? await tenants.LinkPolicyAsync(tenantId, ct) : LinkPolicy.HttpsOnly;
        CheckContent(req, channels, errors, links);
        if (req.Locale is not null && !RecipientRules.IsLocale(req.Locale))
            errors["locale"] = ["Not a BCP 47 language tag (e.g. en, fr-CA)."];
        if (req.Category is { Length: > 100 }) errors["category"] = ["At most 100 characters."];
        var priority = req.Priority switch
        {
            null or "normal" => JobPriority.Normal, "high" => JobPriority.High, "low" => JobPriority.Low,
            _ => AddError(errors, "priority", "One of high, normal, low."),
        };
        if (req.SendAt is { } at && at - clock.GetUtcNow() > MaxSchedule) errors["sendAt"] = ["At most one year ahead."];
        if (req.Data is not null && Depth(req.Data) > MaxDataDepth) errors["data"] = [$"Nested deeper than {MaxDataDepth} levels."];
        CheckMetadata(req.Metadata, errors, byEngine);
        var expiry = SendExpiry.Check(req, channels, clock.GetUtcNow(), errors);
        var thread = SendThread.Check(req, channels, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);
        if (!contentLimitsChecked) InlineContentLimits.Check(req.Content);

        // Tenant-dependent checks come after the shape is right: they cost a (cached) lookup.
        var category = await CategoryOf(tenantId, req.Category, errors, ct);
        var locale = req.Locale ?? await ProfileLocaleAsync(tenantId, req, channels, profileLocale, ct);
        var drafts = new List<NotificationDraft>(channels.Count);
        var traceParent = JobTracing.CurrentTraceParent(); // the request's: the accept flush that commits the drafts may be another's
        List<string>? missingData = null;
        foreach (var channel in channels)
        {
            if (!await providers.CanDeliverAsync(tenantId, channel, ct))
                errors[req.Channels is null ? "channel" : "channels"] =
                    [$"The tenant has no enabled provider for the '{channel}' channel."];
            ResolvedTemplate? template = null;
            if (req.Template is not null)
            {
                template = await templates.ResolveAsync(tenantId, req.Template, channel, locale, ct);
                if (template is null) errors["template"] = [$"No published template '{req.Template}' for the '{channel}' channel."];
                else if (!dataChecked && await requiredData.MissingAsync(tenantId, template.VersionId, req.Data,
                             new KnownRecipient(recipient!.UserId, recipient.Email, recipient.Phone), ct) is { Count: > 0 } missing)
                    (missingData ??= []).Add(RequiredData.Message(req.Template, channel, missing));
            }
            var sendAt = req.SendAt is { } s && s > clock.GetUtcNow() ? s : (DateTimeOffset?)null;
            drafts.Add(new NotificationDraft(Uuid7.New(), tenantId, channel, priority, StoredRecipient.From(recipient!), req.Template,
                template?.VersionId, template?.Locale ?? req.Locale, StoredContent.From(req.Content, channel), req.Data, category,
                channel == ChannelNames.InApp
                    ? SendThread.Stamp(expiry is { } expires ? SendExpiry.Stamp(req.Metadata, expires) : req.Metadata, thread)
                    : req.Metadata,
                sendAt, batchId, OverridePreferences: req.OverridePreferences == true, TraceParent: traceParent));
        }
        if (missingData is not null) errors["data"] = [.. missingData];
        if (errors.Count > 0) throw new RequestValidationException(errors, 422, string.Join(" ", errors.Values.SelectMany(v => v)));
        return drafts;
    }

    /// <summary>`recipient.profile` is a profile merge patch for the send's userId: its fields follow the profile rules.
    /// (The merged profile's data size is checked when it is written, in the accept transaction.)</summary>
    private static void CheckProfilePatch(SendRecipient recipient, JsonObject patch, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(recipient.UserId)) { errors["recipient.profile"] = ["A profile needs recipient.userId."]; return; }
        ProfileRules.Read((JsonObject)MergePatch.Apply(new JsonObject(), patch)!, recipient.UserId, "recipient.profile.", errors);
    }

    /// <summary>
    /// The locale a template send naming none gets from its recipient's profile: the patch's if it sets one, else the stored
    /// profile's, read (one indexed statement) only when some channel's template is published in several locales.
    /// </summary>
    private async Task<string?> ProfileLocaleAsync(Guid tenantId, SendRequest req, List<string> channels, KnownProfileLocale? known,
        CancellationToken ct)
    {
        if (req.Template is null || req.Recipient?.UserId is not { Length: > 0 } userId) return null;
        if (req.Recipient.Profile is { } patch && patch.ContainsKey("locale"))   // set (or removed) by this very send
            return patch["locale"] is JsonValue l && l.TryGetValue<string>(out var patched) ? patched : null;
        if (known is not null) return known.Locale;
        foreach (var channel in channels)
            if (await templates.HasLocaleVariantsAsync(tenantId, req.Template, channel, ct))
                return (await profiles.LocalesAsync(tenantId, [userId], ct)).GetValueOrDefault(userId);
        return null;
    }

    private async Task<string?> CategoryOf(Guid tenantId, string? requested, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var category = (await categories.ForTenantAsync(tenantId, ct)).ForSend(requested, out var error);
        if (error is not null) errors["category"] = [error];
        return category;
    }

    /// <summary>`overridePreferences: true` needs the `notifications:override` scope (admin has it): 403 naming the field.</summary>
    public static void CheckOverrideScope(SendParts request, ClaimsPrincipal caller)
    {
        if (request.OverridePreferences == true) caller.RequireFieldScope("overridePreferences");
    }

    private static List<string> ChannelsOf(SendRequest req, Dictionary<string, string[]> errors)
    {
        if (req.Channel is not null && req.Channels is not null)
        {
            errors["channels"] = ["Give channel or channels, not both."];
            return [];
        }
        if (req.Channel is { } one && ChannelNames.IsKnown(one)) return [one]; // the usual send: no list to check
        var list = req.Channels?.ToList() ?? (req.Channel is null ? [] : [req.Channel]);
        if (list.Count == 0)
            errors[req.Channels is null ? "channel" : "channels"] =
                [$"A channel is required: one of {string.Join(", ", ChannelNames.All)}."];
        for (var i = 0; i < list.Count; i++)
            if (!ChannelNames.IsKnown(list[i]))
                errors[req.Channels is null ? "channel" : $"channels[{i}]"] =
                    [$"Unknown channel '{list[i]}': one of {string.Join(", ", ChannelNames.All)}."];
        if (list.Distinct().Count() != list.Count) errors["channels"] = ["A channel is listed twice."];
        return list.Where(ChannelNames.IsKnown).Distinct().ToList();
    }

    private static void CheckContent(SendRequest req, List<string> channels, Dictionary<string, string[]> errors, LinkPolicy links)
    {
        if ((req.Template is null) == (req.Content is null))
        {
            errors["template"] = ["Give either template (a template key) or content."];
            return;
        }
        if (req.Template is { } key && (key.Length is 0 or > 200)) errors["template"] = ["A template key is 1 to 200 characters."];
        if (req.Content is not { } c) return;
        if (string.IsNullOrEmpty(c.Body) && string.IsNullOrEmpty(c.Html))
            errors["content.body"] = ["content.body (or content.html for email) is required."];
        if (c.Subject is not null && c.Title is not null)
            errors["content.title"] = ["Give content.title or content.subject (the same field), not both."];
        if (c.Subject is { Length: > MaxSubjectLength }) errors["content.subject"] = [$"At most {MaxSubjectLength} characters."];
        if (c.Title is { Length: > MaxSubjectLength }) errors["content.title"] = [$"At most {MaxSubjectLength} characters."];
        if (c.Actions is { } actions)
        {
            if (!channels.Contains(ChannelNames.InApp))
                errors["content.actions"] = ["Action buttons are for the in_app channel: this send has none."];
            else if (actions.Any(a => a is null)) errors["content.actions"] = ["An action is {label, url}, not null."];
            else InboxActionRules.Check([.. actions.Select(a => (a.Label, a.Url))], "content.actions", errors, links);
        }
        if (c.Body is { Length: > MaxBodyLength }) errors["content.body"] = [$"At most {MaxBodyLength} characters."];
        if (c.Html is { Length: > MaxBodyLength }) errors["content.html"] = [$"At most {MaxBodyLength} characters."];
        if (channels.Contains(ChannelNames.Email) && string.IsNullOrEmpty(c.Subject ?? c.Title))
            errors["content.subject"] = ["The email channel needs content.subject."];
        if (channels.Contains(ChannelNames.Sms) && c.Body is { Length: > MaxSmsLength })
            errors["content.body"] = [$"An SMS body is at most {MaxSmsLength} characters."];
        if (!channels.Contains(ChannelNames.Email) && string.IsNullOrEmpty(c.Body) && channels.Count > 0)
            errors["content.body"] = ["content.body is required for non-email channels."];
    }

    /// <summary>
    /// Caller metadata is free-form but for <see cref="TestRunMetadata"/>: it takes a send to the sandbox and out of
    /// analytics, which only the engine may ask for (a workflow test run); a caller's is refused rather than obeyed.
    /// </summary>
    private static void CheckMetadata(JsonObject? metadata, Dictionary<string, string[]> errors, bool byEngine)
    {
        if (metadata is null) return;
        if (!byEngine && metadata.ContainsKey(TestRunMetadata))
            errors[$"metadata.{TestRunMetadata}"] = ["Reserved: the service marks a workflow test run's sends with it."];
        if (metadata.Count > MaxMetadataEntries) errors["metadata"] = [$"At most {MaxMetadataEntries} entries."];
        foreach (var (k, v) in metadata)
            if (k.Length > 100 || v is JsonObject or JsonArray || v?.ToJsonString().Length > 1000)
                errors[$"metadata.{k}"] =
                    ["Metadata values are strings, numbers or booleans of at most 1000 characters, keys at most 100."];
    }

    private static int Depth(JsonNode? node) => node switch
    {
        JsonObject o => 1 + (o.Count == 0 ? 0 : o.Max(p => Depth(p.Value))),
        JsonArray a => 1 + (a.Count == 0 ? 0 : a.Max(Depth)),
        _ => 0,
    };

    private static JobPriority AddError(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return JobPriority.Normal;
    }
}
