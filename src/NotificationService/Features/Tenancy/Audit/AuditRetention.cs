using NotificationService.Contracts;

namespace NotificationService.Features.Tenancy.Audit;

/// <summary>
/// Audit entries are kept `Retention:AuditLog:Days` (365 by default: a year of "who changed what" for a review or an
/// incident), then deleted by the log's own store, oldest first.
/// </summary>
public sealed class AuditRetention(AuditLog log) : IRetainedData
{
    public string Kind => "AuditLog";

    public int DefaultDays => 365;

    public Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) => log.PurgeAsync(olderThan, limit, ct);
}
