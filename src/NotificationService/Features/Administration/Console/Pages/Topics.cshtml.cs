using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Topics;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Topics (`/admin/topics`): the list with member counts and a create form; a topic's page (`?key=…`) shows its members
/// (keyset pages), adds or removes a pasted list of userIds (any mix of lines, commas, spaces), sends to the topic and
/// follows the fan-out's progress (console.js polls the Progress handler) with a cancel. Everything goes through the
/// API's own stores and <see cref="FanOutAccept"/>, so the rules (10,000 userIds per change, 404 for another tenant's
/// topic or fan-out) are the API's. Not audited, like the API: membership and sends are not admin changes.
/// </summary>
public sealed class TopicsModel(TopicStore topics, FanOutStore fanOuts, FanOutAccept accept) : ConsolePage
{
    public const int MembersPerPage = 100;
    public IReadOnlyList<TopicView> Items { get; private set; } = [];
    public TopicView? Topic { get; private set; }
    public IReadOnlyList<TopicMember> Members { get; private set; } = [];
    public string? NextMembers { get; private set; }
    public IReadOnlyList<FanOutStatus> FanOuts { get; private set; } = [];
    /// <summary>The fan-out whose progress the page follows: the one just sent, else the newest still running.</summary>
    public FanOutStatus? Watching { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? key, string? cursor, Guid? fanOut, CancellationToken ct)
    {
        if (key is null)
        {
            Items = await topics.ListAsync(TenantId, null, 500, ct);
            return Page();
        }
        if (!TopicRules.IsKey(key) || (Topic = await topics.FindAsync(TenantId, key, ct)) is null) return NotFound();
        var after = cursor is null ? null : SafeCursor(cursor);
        Members = await topics.MembersAsync(TenantId, key, after, MembersPerPage, ct);
        NextMembers = Members.Count == MembersPerPage ? KeysetCursor.Encode(Members[^1].UserId) : null;
        FanOuts = await fanOuts.OfTopicAsync(TenantId, key, 10, ct);
        Watching = fanOut is { } id
            ? await fanOuts.GetAsync(TenantId, id, ct)
            : FanOuts.FirstOrDefault(f => f.Status is "pending" or "running");
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string? key, string? name, string? description, CancellationToken ct)
    {
        if (!TopicRules.IsKey(key)) FieldErrors["key"] = [TopicRules.KeyProblem];
        if (name is { Length: > TopicRules.MaxNameLength })
            FieldErrors["name"] = [$"A name is at most {TopicRules.MaxNameLength} characters."];
        if (description is { Length: > TopicRules.MaxDescriptionLength })
            FieldErrors["description"] = [$"At most {TopicRules.MaxDescriptionLength} characters."];
        if (FieldErrors.Count > 0) return await OnGetAsync(null, null, null, ct);
        var (saved, created) = await topics.UpsertAsync(TenantId, key!, Blank(name), Blank(description), ct);
        Flash = created ? $"Topic {saved.Key} created." : $"Topic {saved.Key} saved.";
        return RedirectToPage(new { key = saved.Key });
    }

    public async Task<IActionResult> OnPostDeleteAsync(string key, CancellationToken ct)
    {
        if (!TopicRules.IsKey(key) || !await topics.DeleteAsync(TenantId, key, ct)) return NotFound();
        Flash = $"Topic {key} deleted with its members.";
        return RedirectToPage(new { key = (string?)null });
    }

    /// <summary>Adds (or with <paramref name="remove"/> removes) the pasted userIds; a bad list is shown beside the box, nothing
    /// changed.</summary>
    public async Task<IActionResult> OnPostMembersAsync(string key, string? userIds, bool remove, CancellationToken ct)
    {
        var pasted = (userIds ?? "").Split([' ', '\t', '\r', '\n', ',', ';'], StringSplitOptions.RemoveEmptyEntries);
        try
        {
            var changed = await topics.ChangeMembersAsync(TenantId, key, TopicRules.CheckedUserIds(pasted), remove, ct);
            Flash = remove
                ? $"{changed.Changed} removed; {changed.MemberCount} members."
                : $"{changed.Changed} added; {changed.MemberCount} members.";
            return RedirectToPage(new { key });
        }
        catch (NotFoundException) { return NotFound(); }
        catch (RequestValidationException e) { Refused(e); }
        return await OnGetAsync(key, null, null, ct);
    }

    /// <summary>Sends to the topic through the API's own topic-send path; the page then follows the fan-out.</summary>
    public async Task<IActionResult> OnPostSendAsync(string key, string? channel, string? subject, string? body, CancellationToken ct)
    {
        var request = new SendRequest
        {
            Channel = channel, Recipient = new SendRecipient { Topics = [key] },
            Content = new ContentDto { Subject = Blank(subject), Body = body },
        };
        try
        {
            var raw = JsonSerializer.SerializeToUtf8Bytes(request, JsonBody.Options);
            var outcome = await accept.AcceptAsync(TenantId, request, raw, null, "/api/v1/services/notifications", ct);
            var id = Guid.Parse(JsonNode.Parse(outcome.Body)!["id"]!.GetValue<string>());
            Flash = "Sent: the fan-out below creates one notification per member.";
            return RedirectToPage(new { key, fanOut = id });
        }
        catch (NotFoundException) { return NotFound(); }
        catch (RequestValidationException e) { Refused(e); }
        return await OnGetAsync(key, null, null, ct);
    }

    public async Task<IActionResult> OnGetProgressAsync(Guid fanOut, CancellationToken ct)
    {
        if (await fanOuts.GetAsync(TenantId, fanOut, ct) is not { } f) return NotFound();
        var done = f.Status is "completed" or "failed" or "cancelled";
        return new JsonResult(new
        {
            state = f.Status, done, processedRows = f.MembersDone, percent = f.Percent, rowsPerSecond = f.RowsPerSecond, error = f.Error,
            label = $"{Math.Floor(f.Percent)} % · {f.MembersDone} of {f.MembersTotal?.ToString() ?? "?"} members · " +
                $"{f.NotificationsCreated} notifications · {f.Status}",
        });
    }

    /// <summary>The API's cancel: members not reached yet get nothing.</summary>
    public async Task<IActionResult> OnPostCancelAsync(string key, Guid fanOut, CancellationToken ct)
    {
        try
        {
            await FanOutEndpoints.CancelAsync(fanOuts, TenantId, fanOut, ct);
            Flash = "Cancelled: members not reached yet get nothing; notifications already created are delivered.";
        }
        catch (NotFoundException) { return NotFound(); }
        catch (ConflictException e) { Flash = $"Not cancelled: {e.Message}"; }
        return RedirectToPage(new { key, fanOut });
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string? SafeCursor(string cursor)
    {
        try { return KeysetCursor.Decode(cursor); }
        catch (RequestValidationException) { return null; }
    }
}
