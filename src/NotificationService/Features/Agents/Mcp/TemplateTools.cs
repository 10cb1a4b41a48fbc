using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using NotificationService.Features.Sending.Templates;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// A template rendered with data, as the admin API's preview renders it (<see cref="TemplateTrial"/>: the same engine,
/// data size, render budget and timeouts). An agent names a template by its key, the way people speak of it.
/// </summary>
[McpServerToolType]
public sealed class TemplateTools(TemplateTrial trial, TemplateQueries templates, IHttpContextAccessor http)
{
    private ClaimsPrincipal User => http.HttpContext!.User;

    [McpServerTool(Name = "preview_template", ReadOnly = true), Description(
        "Render a template with data, as a recipient would get it: each part's text, the variables it uses and those the data lacks. " +
        "Stores and sends nothing.")]
    public async Task<PreviewResult> PreviewAsync(
        [Description("The template's key")] string template,
        [Description("Its channel, when the key has templates on several")] string? channel = null,
        [Description("Its locale, when the key has templates in several")] string? locale = null,
        [Description("The data to render with (a JSON object, at most 1 MB)")] JsonObject? data = null,
        [Description("A version number (default: the latest, draft or published)")] int? version = null,
        [Description("Render for this user, with their stored profile as `recipient` (needs a credential that may read people)")]
        string? userId = null,
        CancellationToken ct = default)
    {
        // A stored profile is a person's data: rendered into the answer only for a caller that may read people.
        if (userId is not null && !User.MayReadAddresses())
            throw new McpException("userId: rendering with a stored profile needs a credential that may read people (users:read).");
        var found = await FindAsync(templates, User.TenantId(), template, channel, locale, ct);
        return await ToolErrors.AnswerAsync(() => trial.PreviewAsync(User.TenantId(), found.Id,
            new PreviewRequest { Data = data, Version = version, UserId = userId }, ct));
    }

    /// <summary>The one template of the tenant with this key (and channel and locale, when given), or the tool's error naming the
    /// choices.</summary>
    public static async Task<TemplateView> FindAsync(TemplateQueries templates, Guid tenantId, string key, string? channel, string? locale,
        CancellationToken ct)
    {
        var normalized = locale is null
            ? null
            : TemplateRules.NormalizeLocale(locale) ?? throw new McpException($"locale: {TemplateRules.LocaleMessage}");
        var found = (await templates.ListAsync(tenantId, channel, normalized, key, 20, null, ct)).Items;
        return found switch
        {
            [var one] => one,
            [] => throw new McpException($"template: there is no template '{key}'{Where(channel, normalized)}."),
            _ => throw new McpException(
                $"template: '{key}' exists as {string.Join(", ", found.Select(t => $"{t.Channel}/{t.Locale}"))}: "
                + $"name its channel and locale."),
        };
    }

    private static string Where(string? channel, string? locale) =>
        channel is null && locale is null ? "" : $" for {channel ?? "any channel"} in {locale ?? "any locale"}";
}
