using System.ComponentModel;
using System.Security.Claims;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NotificationService.Contracts;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>Read tools over the delivery log: the console's search and the API's status query, answered for the caller's tenant.</summary>
[McpServerToolType]
public sealed class NotificationTools(NotificationSearch search, NotificationQueries queries)
{
    /// <summary>An agent reads a page, not the log: the same bound as the console's delivery log page.</summary>
    public const int MaxRows = 50;

    [McpServerTool(Name = "find_notifications", ReadOnly = true),
     Description("Find notifications, newest first, by recipient (user id, e-mail or phone), status, channel and time range.")]
    public async Task<object> FindAsync(RequestContext<CallToolRequestParams> context,
        [Description("A user id, e-mail address or phone number")] string? recipient = null,
        [Description("accepted, queued, sending, sent, delivered, failed, suppressed, skipped, cancelled, expired …")] string? status = null,
        [Description("email, sms, push, in_app, whatsapp, chat")] string? channel = null,
        [Description("Created at or after (ISO 8601)")] DateTimeOffset? from = null,
        [Description("Created before (ISO 8601)")] DateTimeOffset? to = null,
        [Description("At most this many (1–50)")] int limit = 20, CancellationToken ct = default)
    {
        var user = context.User!;
        var rows = await search.SearchAsync(user.TenantId(), new NotificationFilter(recipient, status, channel, From: from, To: to),
            null, Math.Clamp(limit, 1, MaxRows), ct);
        return rows.Select(r => new
        {
            r.Summary.Id, r.Summary.Channel, r.Summary.Status, Recipient = Shown(user, r.Summary.Channel, r.Summary.Recipient),
            r.Summary.LastError, r.Summary.CreatedAt, r.Category,
        }).ToList();
    }

    [McpServerTool(Name = "explain_notification", ReadOnly = true),
     Description("Explain one notification in words: what happened, the provider's answer, and why it was skipped, suppressed, held or failed.")]
    public async Task<object> ExplainAsync(RequestContext<CallToolRequestParams> context,
        [Description("The notification's id")] Guid id, CancellationToken ct = default)
    {
        var user = context.User!;
        // Another tenant's notification reads exactly like one that never existed.
        if (await queries.GetAsync(user.TenantId(), id, ct) is not { } n) return new { found = false, explanation = "No such notification." };
        return new
        {
            found = true, n.Id, n.Channel, n.Status, Recipient = Shown(user, n.Channel, n.Recipient), n.Template, n.Provider,
            n.ProviderMessageId, n.Attempts, n.LastError, explanation = Explanation.Of(n),
            history = n.History.Select(h => new { h.Status, h.Source, h.Detail, h.At }),
        };
    }

    private static string? Shown(ClaimsPrincipal user, string channel, RecipientDto r)
    {
        var text = channel switch { "email" => r.Email, "sms" or "whatsapp" => r.Phone, _ => r.UserId } ?? r.UserId;
        return McpToolAccess.SeesPeople(user) ? text : RoleTable.Mask(text);
    }
}
