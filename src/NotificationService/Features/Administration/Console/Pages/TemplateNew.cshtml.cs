using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Channels;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>A new template (key, channel, locale, its text parts) through <see cref="TemplateCreation"/>, the API's own
/// create; audited `template.create`; lands in the editor. The channel is picked first (a GET), so the form shows that
/// channel's parts without script.</summary>
public sealed class TemplateNewModel(TemplateCreation creation, TemplateQueries queries, AuditLog audit) : ConsolePage
{
    public string Channel { get; private set; } = ChannelNames.Email;
    public string? Key { get; private set; }
    public string Locale { get; private set; } = "en";
    public string? Description { get; private set; }
    public Dictionary<string, string> Parts { get; private set; } = [];
    public IReadOnlyList<string> TextParts => ChannelParts.TextPartsOf(Channel);
    public IEnumerable<string> ShownFields => new[] { "key", "locale", "description" }.Concat(TextParts.Select(p => "parts." + p));

    public void OnGet(string? channel)
    {
        if (channel is not null && ChannelNames.IsKnown(channel)) Channel = channel;
    }

    public async Task<IActionResult> OnPostAsync(string? key, string? channel, string? locale, string? description,
        Dictionary<string, string> parts, CancellationToken ct)
    {
        (Key, Locale, Description, Parts) =
            (key?.Trim(), locale?.Trim() ?? "", string.IsNullOrWhiteSpace(description) ? null : description, parts);
        if (channel is not null && ChannelNames.IsKnown(channel)) Channel = channel;
        var partsJson = new JsonObject();
        foreach (var name in TextParts)
            if (parts.TryGetValue(name, out var text) && !string.IsNullOrEmpty(text)) partsJson[name] = text.Replace("\r\n", "\n");
        try
        {
            var id = await creation.CreateAsync(TenantId,
                new TemplateRequest { Key = Key, Channel = channel, Locale = Locale, Description = Description, Parts = partsJson }, ct);
            await audit.RecordAsync(Caller, "template.create", "template", id.ToString(), null,
                await queries.GetAsync(TenantId, id, ct), ct);
            Flash = $"Template {Key} created: version 1 is published.";
            return RedirectToPage("/Template", new { id });
        }
        catch (RequestValidationException e) { Refused(e); }
        catch (ConflictException e) { FieldErrors["key"] = [e.Message]; }
        return Page();
    }
}
