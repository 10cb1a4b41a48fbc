using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;
using NotificationService.Templates;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The template editor: one field per text part, a sample-data pane, a live preview (console.js posts the unsaved
/// draft to the Preview handler as you type), save as a new draft version, save and publish. Same validator and
/// commands as the API; each change is audited. Rollback, test-send and the version diff are in TemplateModel.Versions.cs.
/// </summary>
public sealed partial class TemplateModel(TemplateQueries queries, TemplateValidator validator, TemplateCommands commands,
    TemplateDraftPreview drafts, TemplateTestSend testSend, AuditLog audit, PublishGuard publishGuard) : ConsolePage
{
    public sealed record PreviewInput(Dictionary<string, string?>? Parts, string? Data);

    public TemplateView? Item { get; private set; }
    public IReadOnlyList<VersionView> Versions { get; private set; } = [];
    public IReadOnlyList<string> TextParts => Item is null ? [] : ChannelParts.TextPartsOf(Item.Channel);
    /// <summary>A chat template's rich parts (Slack blocks, a Teams card, Discord embeds), edited as JSON.</summary>
    public IReadOnlyList<string> JsonParts => Item?.Channel == Channels.ChannelNames.Chat ? ChatParts.Structured : [];
    public List<string> Errors { get; } = [];
    /// <summary>A publish refused because recent sends lack variables the version requires: shown as an error with the
    /// variables, the count and a "Publish anyway" button (the API's `confirmMissingVariables`).</summary>
    public PublishWouldFailSendsException? PublishRefusal { get; private set; }
    /// <summary>The sample data pane: the data last used here (carried over a save's redirect), else example data shaped
    /// like the template's own variables.</summary>
    public string SampleData { get; private set; } = "{}";
    /// <summary>The data of the save that redirected here, so the preview keeps using it (TempData read only by the page,
    /// like <see cref="ConsolePage.Flash"/>).</summary>
    private string? LastSampleData
    {
        get => TempData[nameof(LastSampleData)] as string;
        set => TempData[nameof(LastSampleData)] = value;
    }
    private Dictionary<string, string?>? _posted;

    /// <summary>A part's text: as posted when a save was refused (an emptied field stays empty), else as stored.</summary>
    public string Source(string part) => _posted is not null ? _posted.GetValueOrDefault(part) ?? ""
        : Item?.Parts[part] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    /// <summary>A JSON part's text: as posted when a save was refused, else the stored part indented (empty when absent).</summary>
    public string JsonSource(string part) => _posted is not null ? _posted.GetValueOrDefault(part) ?? ""
        : Item?.Parts[part] is { } node ? node.ToJsonString(Indented) : "";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task<IActionResult> OnGetAsync(Guid id, int? from, int? to, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        LoadDiff(from, to);
        SampleData = LastSampleData ?? await SkeletonAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(Guid id, [FromBody] PreviewInput input, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        JsonObject? data;
        try
        {
            data = string.IsNullOrWhiteSpace(input.Data)
                ? null
                : JsonNode.Parse(input.Data) as JsonObject ?? throw new JsonException("Sample data must be a JSON object.");
        }
        catch (JsonException e)
        {
            return new JsonResult(new DraftPreview(new Dictionary<string, string>(), [],
                [new TemplateError("data", (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, e.Message)]));
        }
        var preview = await drafts.RenderAsync(TenantId, Item!.Channel, PartsFrom(input.Parts ?? []), Item.Layout, data, Item.Locale, ct);
        return new JsonResult(preview);
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, Dictionary<string, string?> parts, string? data, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (await SaveAsync(parts, data, ct) is not { } saved) return Page();
        // Named after what the save did: the version it made, or that there was nothing new to save.
        Flash = saved
            ? $"Saved as version {Item!.LatestVersion} (draft)."
            : $"Nothing changed: version {Item!.LatestVersion} is the latest.";
        return RedirectWithSample(id);
    }

    public async Task<IActionResult> OnPostPublishAsync(Guid id, Dictionary<string, string?> parts, string? data,
        bool confirmMissingVariables, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (await SaveAsync(parts, data, ct) is null) return Page();
        try { await publishGuard.CheckAsync(TenantId, id, null, confirmMissingVariables, ct); }
        catch (PublishWouldFailSendsException refused)
        {
            // The draft is saved; the form keeps the posted text, so "Publish anyway" publishes exactly it.
            PublishRefusal = refused;
            Versions = await queries.VersionsAsync(TenantId, id, ct) ?? [];
            return Page();
        }
        var before = Item;
        if (await commands.PublishAsync(TenantId, id, null, ct) != PublishOutcome.Done) return NotFound();
        var after = await queries.GetAsync(TenantId, id, ct);
        await audit.RecordAsync(Caller, "template.publish", "template", id.ToString(), before, after, ct);
        Flash = $"Version {after?.PublishedVersion} is published: new sends use it.";
        return RedirectWithSample(id);
    }

    /// <summary>After a save the editor opens again on the data the admin was previewing with, not on the example data
    /// (a sample of a sensible size: TempData travels in a cookie).</summary>
    private RedirectToPageResult RedirectWithSample(Guid id)
    {
        if (SampleData.Length <= MaxCarriedSample) LastSampleData = SampleData;
        return RedirectToPage(new { id });
    }

    private const int MaxCarriedSample = 2_000;

    private async Task<string> SkeletonAsync(CancellationToken ct) =>
        Sending.Templates.SampleData.Skeleton(await drafts.VariablesAsync(TenantId, Item!.Parts, Item.Layout, ct));

    /// <summary>
    /// A new draft version when the text differs from the latest (true), nothing when it does not (false); null with form
    /// errors (with line numbers) when it cannot be saved.
    /// </summary>
    private async Task<bool?> SaveAsync(Dictionary<string, string?> posted, string? data, CancellationToken ct)
    {
        _posted = posted;
        if (data is not null) SampleData = data;
        var parts = PartsFrom(posted);
        if (JsonNode.DeepEquals(parts, Item!.Parts)) return false;
        try
        {
            var content = await validator.PrepareAsync(TenantId, Item.Channel,
                new TemplateRequest { Parts = parts, OptionalVariables = Item.OptionalVariables, Layout = Item.Layout }, ct);
            if (!await commands.UpdateAsync(TenantId, Item.Id, Item.Description, content, ct)) return null;
        }
        catch (RequestValidationException e)
        {
            Refused(e);   // a part's problems beside its field, anything else in the list above the form
            Errors.AddRange(ErrorsNotIn(TextParts.Concat(JsonParts).Select(p => "parts." + p)));
            return null;
        }
        var before = Item;
        Item = await queries.GetAsync(TenantId, Item.Id, ct);
        await audit.RecordAsync(Caller, "template.update", "template", Item!.Id.ToString(), before, Item, ct);
        return true;
    }

    /// <summary>The posted text parts over the latest version's structured parts (push data, WhatsApp template), which the form
    /// does not edit.
    /// An empty field arrives as null (form binding turns "" into null) and means "no such part", as an absent part does in
    /// the API: an email without `text` derives it from `html`.</summary>
    private JsonObject PartsFrom(Dictionary<string, string?> posted)
    {
        var parts = (JsonObject)Item!.Parts.DeepClone();
        foreach (var name in TextParts)
            if (posted.TryGetValue(name, out var text) && !string.IsNullOrEmpty(text)) parts[name] = text.Replace("\r\n", "\n");
            else parts.Remove(name);
        foreach (var name in JsonParts.Where(posted.ContainsKey))
            parts[name] = string.IsNullOrWhiteSpace(posted[name]) ? null : JsonPart(posted[name]!);
        foreach (var emptied in JsonParts.Where(n => parts.ContainsKey(n) && parts[n] is null)) parts.Remove(emptied);
        return parts;
    }

    /// <summary>The posted JSON, or the text itself when it is not JSON: the validator then names the part.</summary>
    private static JsonNode JsonPart(string text)
    {
        try { return JsonNode.Parse(text) ?? JsonValue.Create(text); }
        catch (JsonException) { return JsonValue.Create(text); }
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Item = await queries.GetAsync(TenantId, id, ct);
        if (Item is null) return false;
        Versions = await queries.VersionsAsync(TenantId, id, ct) ?? [];
        return true;
    }
}
