using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Batches;

public sealed record BatchStatus(Guid BatchId, int Accepted, int Rejected, int Chunks, IReadOnlyDictionary<string, long> Counts,
    bool Settled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record BatchPage(IReadOnlyList<NotificationSummary> Items, string? NextCursor);

/// <summary>Live counts per status, and keyset pages of a batch's notifications (UUIDv7 ids are time-ordered).</summary>
public sealed class BatchQueries(BatchStore batches, NotificationQueries notifications)
{
    public const int DefaultLimit = 50, MaxLimit = 100;

    public async Task<BatchStatus?> GetAsync(Guid tenantId, Guid batchId, CancellationToken ct)
    {
        if (await batches.CountersAsync(tenantId, batchId, ct) is not { } b) return null;
        var counts = await notifications.CountByBatchAsync(tenantId, batchId, ct);
        return new BatchStatus(batchId, b.Accepted, b.Rejected, b.Chunks, counts, !counts.Keys.Any(NotificationStatuses.InFlight.Contains),
            b.CreatedAt, b.UpdatedAt);
    }

    public async Task<BatchPage?> PageAsync(Guid tenantId, Guid batchId, string? status, string? cursor, int? limit, CancellationToken ct)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) throw RequestValidationException.For("limit", $"limit is 1 to {MaxLimit}.");
        Guid after = Guid.Empty;
        if (!string.IsNullOrEmpty(cursor) && !Guid.TryParse(cursor, out after))
            throw RequestValidationException.For("cursor", "Not a cursor from a previous page.");
        if (await batches.CountersAsync(tenantId, batchId, ct) is null) return null;

        var items = await notifications.PageByBatchAsync(tenantId, batchId, status, after, take + 1, ct);
        var more = items.Count > take;
        var page = more ? items.Take(take).ToList() : items;
        return new BatchPage(page, more ? page[^1].Id.ToString() : null);
    }
}
