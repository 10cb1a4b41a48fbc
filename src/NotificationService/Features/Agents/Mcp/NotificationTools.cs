using System.ComponentModel;
using System.Security.Claims;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Administration.Console.Pages;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>The notification log for an agent: the console's search and the status API's read, addresses as the caller may see
/// them.</summary>
[McpServerToolType]
public sealed class NotificationTools(NotificationSearch search, NotificationQueries queries, IHttpContextAccessor http)
{
    public const int MaxResults = 50;

    public sealed record Found(Guid Id, string Channel, string Status, string? Recipient, string? Category, string? LastError,
        DateTimeOffset CreatedAt);

    public sealed record Explained(Guid Id, string Channel, string Status, string Reason, string Explanation, string? Recipient,
        string? Template, int Attempts, string? Provider, string? ProviderMessageId, string? ProviderAnswer,
        IReadOnlyList<StatusEvent> History);

    private ClaimsPrincipal User => http.HttpContext!.User;

    [McpServerTool(Name = "find_notifications", ReadOnly = true), Description(
        "Find the tenant's notifications, newest first: by recipient (a userId, email address or phone number), template key, status, " +
        "channel and creation time (ISO 8601). Returns at most 50.")]
    public async Task<IReadOnlyList<Found>> FindAsync(
        [Description("A userId, email address or phone number")] string? recipient = null,
        [Description("A template key")] string? template = null,
        [Description("accepted, queued, sending, sent, delivered, read, failed, suppressed, skipped, cancelled, expired…")]
        string? status = null,
        [Description("email, sms, push, whatsapp, in_app, chat")] string? channel = null,
        [Description("Created at or after (ISO 8601)")] DateTimeOffset? from = null,
        [Description("Created before (ISO 8601)")] DateTimeOffset? to = null,
        [Description("At most this many (1–50, default 20)")] int limit = 20,
        CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxResults) throw new McpException($"limit: between 1 and {MaxResults}.");
        if (channel is not null && !ChannelNames.IsKnown(channel))
            throw new McpException($"channel: one of {string.Join(", ", ChannelNames.All)}.");
        if (status is not null && !NotificationStatuses.All.Contains(status))
            throw new McpException($"status: one of {string.Join(", ", NotificationStatuses.All)}.");
        var filter = new NotificationFilter(Recipient: recipient, Status: status, Channel: channel, From: from, To: to, Template: template);
        var rows = await search.SearchAsync(User.TenantId(), filter, null, limit, ct);
        return rows.Select(r => new Found(r.Summary.Id, r.Summary.Channel, r.Summary.Status,
            User.Shown(RecipientText.For(r.Summary.Channel, r.Summary.Recipient)),
            r.Category, r.Summary.LastError, r.Summary.CreatedAt)).ToList();
    }

    [McpServerTool(Name = "explain_notification", ReadOnly = true), Description(
        "Explain one notification: its history, the provider's answer, and in words why it was sent, skipped, suppressed, held or failed.")]
    public async Task<Explained> ExplainAsync([Description("The notification's id")] Guid id, CancellationToken ct = default)
    {
        var n = await queries.GetAsync(User.TenantId(), id, ct) ?? throw new McpException($"Notification {id} was not found.");
        var (reason, words) = Explanation.Of(n);
        return new Explained(n.Id, n.Channel, n.Status, reason, words, User.Shown(RecipientText.For(n.Channel, n.Recipient)), n.Template,
            n.Attempts, n.Provider, n.ProviderMessageId, n.LastError, n.History);
    }
}
