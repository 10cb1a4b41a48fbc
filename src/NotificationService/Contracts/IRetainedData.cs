namespace NotificationService.Contracts;

/// <summary>
/// A kind of stored data that expires. Its owning store implements the purge (one table, one owner); the Retention
/// feature only decides when and how much. `Retention:&lt;Kind&gt;:Days` overrides <see cref="DefaultDays"/> (0 keeps it forever).
/// </summary>
public interface IRetainedData
{
    string Kind { get; }

    int DefaultDays { get; }

    /// <summary>Deletes at most <paramref name="limit"/> items older than <paramref name="olderThan"/> in one short
    /// statement; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct);
}
