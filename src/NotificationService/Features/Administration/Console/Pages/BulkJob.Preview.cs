using System.Text.Json.Nodes;
using NotificationService.Features.Sending.Bulk;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>One line of a dry run's preview: a row as the service would send it (recipient and rendered parts), or why not.</summary>
public sealed record PreviewLine(long Row, string? Recipient, IReadOnlyList<(string Part, string Text)> Parts, string? Error,
    string Outcome);

/// <summary>
/// A dry run's first rows in file order. The job itself rendered its first accepted rows (<see cref="BulkPreview"/>, the
/// delivery renderer with the pinned version) and recorded every rejected row; between them, up to the last row shown,
/// a row that is neither was a duplicate of an earlier recipient (counted, not sent). Rendered rows: at most
/// <see cref="BulkPreview.Rows"/>; rejected rows: at most <see cref="MaxRejectedShown"/>.
/// </summary>
public sealed partial class BulkJobModel
{
    public const int MaxRejectedShown = 10;
    public IReadOnlyList<PreviewLine> Preview { get; private set; } = [];

    private async Task<IReadOnlyList<PreviewLine>> PreviewAsync(BulkJobStatus job, CancellationToken ct)
    {
        var rendered = (job.Preview as JsonArray ?? []).OfType<JsonObject>().Select(Rendered).ToList();
        // A full preview ends at its last row; a short one means the first chunk had no more accepted rows to show.
        var through = rendered.Count == BulkPreview.Rows ? rendered[^1].Row : long.MaxValue;
        var rejected = await queries.FirstRejectedAsync(TenantId, job.JobId, through, MaxRejectedShown, ct);
        var lines = rendered.Concat(rejected.Select(r =>
                new PreviewLine(r.RowNumber, null, [], r.Column is null ? r.Reason : $"{r.Column}: {r.Reason}", "rejected")))
            .OrderBy(l => l.Row).ToList();
        if (lines.Count == 0) return lines;
        var known = lines.Select(l => l.Row).ToHashSet();
        var last = rejected.Count == MaxRejectedShown ? rejected[^1].RowNumber : lines[^1].Row;
        // Only up to the last rendered row is every row of the file accounted for (rendered rows come from the first chunk).
        var gapsKnownThrough = Math.Min(last, rendered.Count > 0 ? rendered[^1].Row : 0);
        for (var row = 1L; row <= gapsKnownThrough; row++)
            if (!known.Contains(row))
                lines.Add(new PreviewLine(row, null, [], "The same recipient as an earlier row: counted, not sent.", "duplicate"));
        return [.. lines.Where(l => l.Row <= last).OrderBy(l => l.Row)];
    }

    private static PreviewLine Rendered(JsonObject item)
    {
        var row = item["row"]?.GetValue<long>() ?? 0;
        var to = item["recipient"] as JsonObject;
        var recipient = to?["email"]?.GetValue<string>() ?? to?["phone"]?.GetValue<string>() ?? to?["userId"]?.GetValue<string>()
            ?? (to?["deviceTokens"] as JsonArray)?.FirstOrDefault()?.GetValue<string>();
        if (item["error"]?.GetValue<string>() is { } error) return new PreviewLine(row, recipient, [], error, "render error");
        var parts = (item["parts"] as JsonObject ?? [])
            .Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).Select(p => (p.Key, p.Value!.GetValue<string>())).ToList();
        return new PreviewLine(row, recipient, parts, null, "would send");
    }
}
