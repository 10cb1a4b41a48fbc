using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Features.Administration.Console.Diff;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>The editor's version tools: roll back the publication, test-send a version (the API's TemplateTestSend, so a
/// draft can be tried before it is published) and a line diff of each part between any two versions.</summary>
public sealed partial class TemplateModel
{
    public sealed record PartDiff(string Part, IReadOnlyList<DiffLine> Lines);

    public int? DiffFrom { get; private set; }
    public int? DiffTo { get; private set; }
    public IReadOnlyList<PartDiff> Diff { get; private set; } = [];
    public string? TestRecipient { get; private set; }

    /// <summary>What the test recipient field asks for, by channel (push and in-app go to a user id).</summary>
    public string RecipientLabel => Item?.Channel switch
    {
        ChannelNames.Email => "Test recipient e-mail",
        ChannelNames.Sms or ChannelNames.WhatsApp => "Test recipient phone",
        _ => "Test recipient user id",
    };

    public async Task<IActionResult> OnPostRollbackAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var before = Item;
        if (await commands.RollbackAsync(TenantId, id, ct) != PublishOutcome.Done)
        {
            Errors.Add("There is no earlier published version to roll back to.");
            SampleData = await SkeletonAsync(ct);
            return Page();
        }
        var after = await queries.GetAsync(TenantId, id, ct);
        await audit.RecordAsync(Caller, "template.rollback", "template", id.ToString(), before, after, ct);
        Flash = $"Rolled back: version {after?.PublishedVersion} is published again.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostTestSendAsync(Guid id, string? recipient, int? version, string? data, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        TestRecipient = recipient;
        if (data is not null) SampleData = data;
        try
        {
            var request = new TestSendRequest { Recipient = RecipientFor(recipient?.Trim()), Data = ParseData(data), Version = version };
            var result = await testSend.SendAsync(TenantId, id, request, "/admin/notifications", ct);
            Flash = $"Test send of version {result.Version} queued as notification {result.Id}.";
            return RedirectToPage(new { id });
        }
        catch (RequestValidationException e) { Errors.AddRange(e.Errors.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}"))); }
        catch (ApiException e) { Errors.Add(e.Message); }   // no such version, or no provider for the channel
        return Page();
    }

    private RecipientDto? RecipientFor(string? address) => string.IsNullOrEmpty(address) ? null : Item!.Channel switch
    {
        ChannelNames.Email => new RecipientDto { Email = address },
        ChannelNames.Sms or ChannelNames.WhatsApp => new RecipientDto { Phone = address },
        _ => new RecipientDto { UserId = address },
    };

    private static JsonObject? ParseData(string? data)
    {
        if (string.IsNullOrWhiteSpace(data)) return null;
        try { return JsonNode.Parse(data) as JsonObject ?? throw new JsonException(); }
        catch (JsonException)
        {
            throw new RequestValidationException(new Dictionary<string, string[]> { ["data"] = ["Sample data must be a JSON object."] });
        }
    }

    /// <summary>Both numbers must name versions of this template; otherwise no diff (the page still renders).</summary>
    private void LoadDiff(int? from, int? to)
    {
        var a = Versions.FirstOrDefault(v => v.Version == from);
        var b = Versions.FirstOrDefault(v => v.Version == to);
        if (a is null || b is null) return;
        (DiffFrom, DiffTo) = (a.Version, b.Version);
        Diff = a.Parts.Select(p => p.Key).Union(b.Parts.Select(p => p.Key)).Order()
            .Select(part => new PartDiff(part, LineDiff.Compare(Text(a.Parts[part]), Text(b.Parts[part]))))
            .ToList();
    }

    /// <summary>Text parts as written; structured parts (push data, WhatsApp template) as indented JSON so they diff by line.</summary>
    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
    };
}
