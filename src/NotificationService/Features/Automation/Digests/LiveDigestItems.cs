using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Templates;
using NotificationService.Templates;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// A live in-app window is one inbox item: the in-app notification its first run sent at once. When an event joins (and
/// when the window closes) the item's title and body are rendered again from that notification's pinned template and data,
/// with the digest as it stands at `steps.&lt;id&gt;` (count, kept events, actors), and the inbox updates the item in the
/// same transaction: one `notification.updated` on the user's stream, and the item unread again (the badge counts it
/// once). An item not delivered yet is left to its delivery; the next event or the close bring it up to date.
/// </summary>
public sealed class LiveDigestItems(TemplateVersionStore versions, TemplateEngine engine, ProfileStore profiles, InboxStore inbox)
{
    public async Task ReviseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid windowId, CancellationToken ct)
    {
        if (await DigestStore.LiveAsync(conn, tx, tenantId, windowId, ct) is not { } window) return;
        var send = (await WorkflowSends.ForRunAsync(conn, tx, tenantId, window.CarrierRunId, ct))
            .FirstOrDefault(s => s.StepId == window.SendStep && s.Channel == "in_app");
        if (send is null
            || await NotificationQueries.RenderInputsAsync(conn, tx, tenantId, send.NotificationId, ct)
                is not { TemplateVersionId: { } versionId } n)
            return;
        var found = await versions.GetManyAsync([versionId], ct);
        if (!found.TryGetValue(versionId, out var version) || version.TenantId != tenantId) return;
        var data = n.Data?.DeepClone() as JsonObject ?? new JsonObject();
        var steps = data["steps"] as JsonObject ?? new JsonObject();
        steps[window.StepId] = window.Digest;
        data["steps"] = steps;
        if (version.MentionsRecipient)
        {
            var profile = await profiles.FindAsync(conn, tx, tenantId, window.UserId, ct);
            data = RecipientVariables.Into(data, RecipientVariables.Of(window.UserId, null, null, profile?.Fields));
        }
        RenderResult rendered;
        try { rendered = engine.Render(version.Definition(), data, new RenderOptions(n.Locale)); }
        catch (Exception e) when (e is not OperationCanceledException) { return; }   // the item keeps its text; the digest is unaffected
        string? Part(string name) => rendered.Parts.TryGetValue(name, out var v) ? v : null;
        await inbox.ReviseAsync(conn, tx, tenantId, window.UserId, send.NotificationId, Part("title"), Part("text") ?? Part("body"), ct);
    }
}
