using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Features.Administration.Console.Diff;

namespace NotificationService.Features.Administration.Console.Pages;

public sealed partial class WorkflowEditModel
{
    public int? DiffFrom { get; private set; }
    public int? DiffTo { get; private set; }
    /// <summary>The two versions' definitions, each as indented JSON, line by line (the template page's compare).</summary>
    public IReadOnlyList<DiffLine> Diff { get; private set; } = [];

    /// <summary>Both numbers must name versions of this workflow; otherwise no diff (the page still renders).</summary>
    private async Task LoadDiffAsync(string key, int? from, int? to, CancellationToken ct)
    {
        if (from is null || to is null || !Versions.Any(v => v.Version == from) || !Versions.Any(v => v.Version == to)) return;
        if (await store.VersionAsync(TenantId, key, from, publishedOnly: false, ct) is not { } a
            || await store.VersionAsync(TenantId, key, to, publishedOnly: false, ct) is not { } b) return;
        (DiffFrom, DiffTo) = (from, to);
        Diff = LineDiff.Compare(Indent(a.Json), Indent(b.Json));
    }

    /// <summary>Indented the same way for both, so a change in spacing alone is no difference.</summary>
    private static string Indent(string json) => JsonNode.Parse(json)!.ToJsonString(Indented);
}
