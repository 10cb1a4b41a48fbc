namespace NotificationService.Features.Administration.Members;

/// <summary>
/// Ends every console session of a member whose access just shrank (a lower role, disabled). The console owns sessions
/// and implements this, so Members need not know the console. Each request reads its session and the member's current
/// role and status from the database, so the next request on any replica is already refused or narrowed; deleting the
/// rows makes the end final (raising the role again does not revive them).
/// </summary>
public interface IMemberSessionEnder
{
    Task EndAllAsync(Guid tenantId, Guid memberId, CancellationToken ct);
}
