using NotificationService.Features.Tenancy.Audit;

namespace NotificationService.Features.Administration.Console.Pages;

public sealed class AuditModel(AuditLog audit) : ConsolePage
{
    public const int PageSize = 50;
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public string? Action { get; private set; }
    public string? TargetType { get; private set; }

    public async Task OnGetAsync(string? action, string? targetType, long? before, CancellationToken ct)
    {
        (Action, TargetType) = (string.IsNullOrWhiteSpace(action) ? null : action.Trim(),
            string.IsNullOrWhiteSpace(targetType) ? null : targetType.Trim());
        Entries = await audit.ListAsync(TenantId, new AuditFilter(Action, TargetType), before, PageSize, ct);
    }
}
