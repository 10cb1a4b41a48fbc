using NotificationService.Features.Automation.Workflows;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>The tenant's workflows (`/admin/workflows`), by key, through the API's <see cref="WorkflowStore"/>.</summary>
public sealed class WorkflowsModel(WorkflowStore store) : ConsolePage
{
    private const int PageSize = 50;
    public IReadOnlyList<WorkflowView> Items { get; private set; } = [];
    public string? NextCursor { get; private set; }

    public async Task OnGetAsync(string? cursor, CancellationToken ct)
    {
        var items = await store.ListAsync(TenantId, cursor, PageSize + 1, ct);
        Items = items.Take(PageSize).ToList();
        NextCursor = items.Count > PageSize ? Items[^1].Key : null;
    }
}
