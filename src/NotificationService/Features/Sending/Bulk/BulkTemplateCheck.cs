using System.Text.Json.Nodes;
using NotificationService.Features.Sending.Templates;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// Before any row is enqueued: would a row that fills every data column give the template all it requires (the same
/// check as every send, <see cref="RequiredData"/>)? If not, no row of this file can (a flat CSV cannot give
/// `user.firstName`), so the job fails saying which variables no column provides, instead of refusing every row.
/// </summary>
public sealed class BulkTemplateCheck(TemplateResolver templates, TemplateVersionStore versions, RequiredData requiredData)
{
    /// <summary>`recipient.*` comes from each row's own recipient (its profile or address), which the chunk writer judges
    /// row by row: a userId stands for "every row" so <see cref="RequiredData"/> leaves those variables to it.</summary>
    private static readonly KnownRecipient EachRow = new("(each row)", null, null);

    public async Task EnsureColumnsFillAsync(BulkJobContext job, IReadOnlyList<string> dataColumns, CancellationToken ct)
    {
        var o = job.Options;
        if (await templates.ResolveAsync(job.TenantId, o.Template, o.Channel, o.Locale, ct) is not { } resolved)
            return; // the chunk writer reports it
        if (await versions.GetAsync(resolved.VersionId, ct) is not { } version) return;
        var data = new JsonObject();
        foreach (var column in dataColumns) data[column] = "x";
        var missing = requiredData.Missing(version, data, EachRow);
        if (missing.Count > 0)
            throw new BulkFileException($"No row can render: template '{o.Template}' needs {string.Join(", ", missing)}, " +
                $"which no column of the file provides (data columns: "
                + $"{(dataColumns.Count == 0 ? "none" : string.Join(", ", dataColumns))}).");
    }
}
