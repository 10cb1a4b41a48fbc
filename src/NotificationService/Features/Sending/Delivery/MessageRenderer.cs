using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Templates;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>The service's own template variables for an email: {{unsubscribeUrl}} and {{preferencesUrl}} (signed links).</summary>
public sealed record LinkVariables(string? UnsubscribeUrl, string? PreferencesUrl);

public abstract record RenderOutcome
{
    public sealed record Ok(RenderedContent Content) : RenderOutcome;
    public sealed record Failed(string Error) : RenderOutcome;
}

/// <summary>
/// Renders a notification's pinned template version (or its inline content, which is itself a template
/// over `data`) into the channel's parts. Missing required variables are a permanent, named error.
/// <paramref name="recipient"/>: the `{{recipient.*}}` variables (RecipientVariables), given when the template mentions
/// them; its locale formats a notification that has none of its own. <paramref name="linkPolicy"/>: the tenant's, for
/// what the link parts rendered to.
/// </summary>
public sealed class MessageRenderer(TemplateEngine engine)
{
    public RenderOutcome Render(ClaimedNotification n, TemplateVersion? version, LinkPolicy linkPolicy, LinkVariables? links = null,
        JsonObject? recipient = null)
    {
        // A version renders only for its own tenant (its compiled template is cached under that tenant), whatever a pin says.
        var definition = version is not null ? (version.TenantId == n.TenantId ? version.Definition() : null) : FromInline(n);
        if (definition is null) return new RenderOutcome.Failed("template_missing: the pinned template version no longer exists");
        RenderResult result;
        try
        {
            var variables = recipient is null ? n.Data : RecipientVariables.Into(n.Data, recipient);
            var locale = n.Locale ?? (recipient?["locale"] is JsonValue l ? l.GetValue<string>() : null);
            result = engine.Render(definition, WithLinks(variables, links), new RenderOptions(locale));
        }
        catch (TemplateRenderLimitException e)
        {
            return new RenderOutcome.Failed($"render_limit: {e.Message}");
        }
        catch (Exception e)
        {
            return new RenderOutcome.Failed($"render_error: {e.Message}");
        }
        if (version is not null && result.MissingVariables.Count > 0)
            return new RenderOutcome.Failed($"missing_variables: {string.Join(", ", result.MissingVariables)}");
        var p = result.Parts;
        string? Part(string name) => p.TryGetValue(name, out var v) ? v : null;
        // A variable can render a link part into `javascript:…`: the notification fails (permanently, named) rather than
        // hand an end user's app a link it must not follow; dropping the link silently would hide the sender's bug.
        foreach (var linkPart in ChannelParts.LinkParts)
            if (LinkRules.Check(Part(linkPart), linkPolicy) is { } unsafeLink)
                return new RenderOutcome.Failed($"unsafe_link: parts.{linkPart} rendered to a link that is refused. {unsafeLink}");
        var actions = Actions(n, version, p);
        for (var i = 0; i < actions?.Count; i++)
            if (LinkRules.Check(actions[i].Url, linkPolicy) is { } unsafeAction)
                return new RenderOutcome.Failed($"unsafe_link: parts.actions[{i}].url rendered to a link that is refused. {unsafeAction}");
        var whatsAppTemplate = version?.Parts["template"] is JsonObject t ? WhatsAppRef(t, p) : null;
        var chat = n.Channel == ChannelNames.Chat && version is not null ? ChatParts.From(version.Parts, p) : null;
        // Held to the platforms' limits here, so a render that breaks them fails with the reason and never reaches a provider.
        if (chat is not null && Channels.Chat.ChatLimits.Problem(chat) is { } overLimit)
            return new RenderOutcome.Failed($"chat_limits: {overLimit}");
        return new RenderOutcome.Ok(new RenderedContent(
            Subject: Part("subject"),
            Body: Part("text") ?? Part("body") ?? (Part("html") is { } html ? TemplateEngine.DeriveText(html) : null),
            Html: Part("html"),
            Title: Part("title"),
            ImageUrl: Part("imageUrl"),
            ActionUrl: Part("actionUrl"),
            Icon: Part("icon"),
            Data: version?.Parts["data"] is JsonObject data ? data.ToDictionary(d => d.Key, d => Part("data." + d.Key) ?? "") : null,
            WhatsAppTemplate: whatsAppTemplate,
            Actions: actions,
            Chat: chat));
    }

    /// <summary>
    /// The in_app action buttons as rendered (template `parts.actions` or inline `content.actions`). An action whose label
    /// or url rendered empty (a variable the data lacked) is left out: a button without a destination does nothing.
    /// </summary>
    private static List<ContentAction>? Actions(ClaimedNotification n, TemplateVersion? version, IReadOnlyDictionary<string, string> parts)
    {
        var count = version is not null ? (version.Parts["actions"] as JsonArray)?.Count ?? 0 : n.Content?.Actions?.Length ?? 0;
        if (count == 0 || n.Channel != ChannelNames.InApp) return null;
        var actions = new List<ContentAction>(count);
        for (var i = 0; i < count; i++)
            if (parts.GetValueOrDefault($"actions.{i}.label") is { Length: > 0 } label
                && parts.GetValueOrDefault($"actions.{i}.url") is { Length: > 0 } url)
                actions.Add(new ContentAction(label.Trim(), url));
        return actions.Count > 0 ? actions : null;
    }

    /// <summary>
    /// The links join the data (a copy: the claimed notification's data is left as stored); a value the sender put in
    /// the data under the same name wins. No links (most notifications): the data as it is, no copy.
    /// </summary>
    private static JsonObject WithLinks(JsonObject? data, LinkVariables? links)
    {
        if (links is null || links.UnsubscribeUrl is null && links.PreferencesUrl is null) return data ?? new JsonObject();
        var merged = data?.DeepClone().AsObject() ?? new JsonObject();
        if (links.UnsubscribeUrl is { } u) merged.TryAdd("unsubscribeUrl", u);
        if (links.PreferencesUrl is { } p) merged.TryAdd("preferencesUrl", p);
        return merged;
    }

    /// <summary>Whether the notification's template or inline content may read `{{recipient.*}}`.</summary>
    public static bool MentionsRecipient(ClaimedNotification n, TemplateVersion? version) => version is not null
        ? version.MentionsRecipient
        : n.Content is { } c && (RecipientVariables.Mentioned(c.Subject) || RecipientVariables.Mentioned(c.Body)
            || RecipientVariables.Mentioned(c.Html));

    /// <summary>Inline content: subject/title, body, html. Cached by a hash of the sources, under the notification's tenant
    /// (the engine keys every compiled template by tenant): tenants sending the same body compile it each for themselves.</summary>
    private static TemplateDefinition? FromInline(ClaimedNotification n)
    {
        if (n.Content is not { } c) return null;
        var parts = new List<TemplatePart>();
        var titleName = n.Channel == ChannelNames.Email ? "subject" : "title";
        if (c.Subject is not null) parts.Add(new(titleName, c.Subject, false));
        if (c.Body is not null) parts.Add(new(n.Channel == ChannelNames.Email ? "text" : "body", c.Body, false));
        if (c.Html is not null) parts.Add(new("html", c.Html, true));
        for (var i = 0; i < c.Actions?.Length; i++)
        {
            parts.Add(new($"actions.{i}.label", c.Actions[i].Label, false));
            parts.Add(new($"actions.{i}.url", c.Actions[i].Url, false));
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\u0001', parts.Select(x => x.Name + "\u0002" + x.Source)))));
        // Inline content declares no variables: anything absent renders empty, as in handlebars.js.
        return new TemplateDefinition(n.TenantId, "inline:" + hash, parts);
    }

    /// <summary>A WhatsApp provider template: its parameters are templates rendered like any part.</summary>
    private static WhatsAppTemplateRef WhatsAppRef(JsonObject t, IReadOnlyDictionary<string, string> parts) => new(
        t["name"]?.GetValue<string>() ?? "",
        t["language"]?.GetValue<string>() ?? "en",
        (t["parameters"] as JsonArray)?.Select((_, i) => parts.GetValueOrDefault($"template.parameters.{i}", "")).ToList() ?? []);
}
