using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

/// <summary>
/// The parts each channel's template may have, and how stored parts become engine parts. Only the email
/// `html` part is HTML (escaped); everything else is plain text, because SMS, push, WhatsApp and inbox
/// clients show it verbatim. Push `data` values and WhatsApp provider-template `parameters` are templates
/// too, so their variables count as required and are reported by preview.
/// </summary>
public static class ChannelParts
{
    public const int MaxDataEntries = 50;

    /// <summary>Parts whose rendered text an end user's app follows or loads: held to <see cref="LinkRules"/> at save and at
    /// delivery.</summary>
    public static readonly string[] LinkParts = ["actionUrl", "imageUrl", "icon"];
    private static readonly string[] ReadingOrder = ["subject", "title", "html", "text", "body", "imageUrl", "actionUrl", "icon", "actions",
        "data", "template", "blocks", "card", "embeds"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [ChannelNames.Email] = ["subject", "html", "text"],
        [ChannelNames.Sms] = ["body"],
        [ChannelNames.Push] = ["title", "body", "imageUrl", "data"],
        [ChannelNames.WhatsApp] = ["body", "template"],
        [ChannelNames.InApp] = ["title", "body", "actionUrl", "icon", "actions"],
        [ChannelNames.Chat] = ["text", "blocks", "card", "embeds"],
    };

    // After Allowed (static fields initialize in order): asked once per delivered notification, so computed once here.
    private static readonly HashSet<string> ChannelsWithLinks =
        [.. Allowed.Where(c => c.Value.Any(p => p == "actions" || LinkParts.Contains(p))).Select(c => c.Key)];

    /// <summary>Whether a channel has parts that are links (in_app, push): only those need the tenant's <see cref="LinkPolicy"/>.</summary>
    public static bool HasLinkParts(string channel) => ChannelsWithLinks.Contains(channel);

    /// <summary>The parts of a channel that are template text (the console editor's fields); structured parts are not.</summary>
    public static IReadOnlyList<string> TextPartsOf(string channel) =>
        Allowed.TryGetValue(channel, out var parts)
            ? parts.Where(p => p is not ("data" or "template" or "actions" or "blocks" or "card" or "embeds")).ToArray()
            : [];

    /// <summary>Adds an error per bad part, keyed by its JSON path (`parts.foo`).</summary>
    public static void Check(string channel, JsonObject? parts, IDictionary<string, string[]> errors, LinkPolicy links)
    {
        if (parts is null) { errors["parts"] = ["parts is required."]; return; }
        if (!Allowed.TryGetValue(channel, out var allowed)) return; // the channel error is reported by the caller
        foreach (var (name, value) in parts)
        {
            if (!allowed.Contains(name))
                errors[$"parts.{name}"] = [$"Unknown part '{name}' for the {channel} channel: expected {string.Join(", ", allowed)}."];
            else if (name == "data" && channel == ChannelNames.Push) CheckData(value, errors);
            else if (name == "template" && channel == ChannelNames.WhatsApp) CheckWhatsAppTemplate(value, errors);
            else if (ChatParts.Structured.Contains(name) && channel == ChannelNames.Chat) ChatParts.Check(name, value, errors);
            else if (name == "actions" && InboxActionRules.Read(value, "parts.actions", errors) is { } actions)
                InboxActionRules.Check(actions, "parts.actions", errors, links);
            else if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                errors[$"parts.{name}"] = [$"parts.{name} must be a string (a template)."];
            else if (LinkParts.Contains(name) && LinkRules.CheckTemplate(v.GetValue<string>(), links) is { } unsafeLink)
                errors[$"parts.{name}"] = [unsafeLink];
        }
        bool Has(string n) => parts[n] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0;
        // TryAdd: a part given with the wrong type keeps that error; "needs a subject" for `"subject": 5` sent the caller
        // looking for a missing field.
        switch (channel)
        {
            case ChannelNames.Email:
                if (!Has("subject")) errors.TryAdd("parts.subject", ["An email template needs a subject."]);
                if (!Has("html") && !Has("text"))
                    errors.TryAdd("parts.html", ["An email template needs html or text (text is derived from html when absent)."]);
                break;
            case ChannelNames.Push:
                if (!Has("title") && !Has("body")) errors.TryAdd("parts.body", ["A push template needs a title or a body."]);
                break;
            case ChannelNames.Chat:
                if (!Has("text") && !parts.ContainsKey("blocks") && !parts.ContainsKey("card") && !parts.ContainsKey("embeds"))
                    errors.TryAdd("parts.text", ["A chat template needs text (and may add blocks, card or embeds)."]);
                break;
            case ChannelNames.WhatsApp:
                if (Has("body") == parts.ContainsKey("template"))
                    errors.TryAdd("parts.body",
                        ["A WhatsApp template has either a body or a provider template reference (template), not both."]);
                break;
            default:
                if (!Has("body")) errors.TryAdd("parts.body", [$"A {channel} template needs a body."]);
                break;
        }
        if (Encoding.UTF8.GetByteCount(parts.ToJsonString()) > TemplateDataLimits.MaxTemplateBytes)
            errors["parts"] = [$"A template is at most {TemplateDataLimits.MaxTemplateBytes / 1024} KB."];
    }

    private static void CheckData(JsonNode? value, IDictionary<string, string[]> errors)
    {
        if (value is not JsonObject data) { errors["parts.data"] = ["data is an object of string templates."]; return; }
        if (data.Count > MaxDataEntries) errors["parts.data"] = [$"At most {MaxDataEntries} entries."];
        foreach (var (k, v) in data)
            if (v is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
                errors[$"parts.data.{k}"] = ["A data value is a template string."];
    }

    private static void CheckWhatsAppTemplate(JsonNode? value, IDictionary<string, string[]> errors)
    {
        if (value is not JsonObject t) { errors["parts.template"] = ["template is {name, language, parameters}."]; return; }
        foreach (var (k, v) in t)
        {
            if (k is "name" or "language")
            {
                if (v is not JsonValue s || s.GetValueKind() != JsonValueKind.String || s.GetValue<string>().Length is 0 or > 512)
                    errors[$"parts.template.{k}"] = [$"{k} is a non-empty string."];
            }
            else if (k == "parameters")
            {
                if (v is not JsonArray a || a.Any(p => p is not JsonValue pv || pv.GetValueKind() != JsonValueKind.String))
                    errors["parts.template.parameters"] = ["parameters is an array of template strings, e.g. [\"{{user.firstName}}\"]."];
            }
            else errors[$"parts.template.{k}"] = [$"Unknown property '{k}': expected name, language, parameters."];
        }
        if (!t.ContainsKey("name")) errors["parts.template.name"] = ["The provider template's name is required."];
        if (!t.ContainsKey("language")) errors["parts.template.language"] = ["The provider template's language is required (e.g. en_US)."];
    }

    /// <summary>Stored parts → engine parts. Names are the JSON paths (`data.orderId`,
    /// `template.parameters.0`), so engine errors point at the field the admin wrote.</summary>
    public static List<TemplatePart> ToTemplateParts(JsonObject parts)
    {
        var result = new List<TemplatePart>(parts.Count);
        // jsonb stores keys sorted by length, so restore a reading order (variables are listed by first use).
        foreach (var (name, value) in parts.OrderBy(p => Array.IndexOf(ReadingOrder, p.Key) is var i and >= 0 ? i : int.MaxValue))
        {
            switch (value)
            {
                case JsonValue v when name != "layout" && v.GetValueKind() == JsonValueKind.String:
                    result.Add(new TemplatePart(name, v.GetValue<string>(), name == "html"));
                    break;
                case JsonObject data when name == "data":
                    foreach (var (k, dv) in data)
                        if (dv is JsonValue s && s.GetValueKind() == JsonValueKind.String)
                            result.Add(new TemplatePart($"data.{k}", s.GetValue<string>(), false));
                    break;
                case JsonArray actions when name == "actions":
                    for (var i = 0; i < actions.Count; i++)
                        foreach (var field in (string[])["label", "url"])
                            if (actions[i]?[field] is JsonValue av && av.GetValueKind() == JsonValueKind.String)
                                result.Add(new TemplatePart($"actions.{i}.{field}", av.GetValue<string>(), false));
                    break;
                case JsonNode rich when ChatParts.Structured.Contains(name):
                    result.AddRange(ChatParts.Leaves(name, rich));
                    break;
                case JsonObject t when name == "template" && t["parameters"] is JsonArray ps:
                    for (var i = 0; i < ps.Count; i++)
                        if (ps[i] is JsonValue pv && pv.GetValueKind() == JsonValueKind.String)
                            result.Add(new TemplatePart($"template.parameters.{i}", pv.GetValue<string>(), false));
                    break;
            }
        }
        return result;
    }
}
