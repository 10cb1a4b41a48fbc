namespace NotificationService.Features.Sending.Notifications;

/// <summary>Counts of one (tenant, notification) under an hour, status and reason, for
/// <see cref="NotificationQueries.TotalsByDimensionsAsync"/>.</summary>
public readonly record struct CountOfNotification(Guid TenantId, Guid NotificationId, DateTimeOffset Hour, string Status, string Reason,
    long Count);

/// <summary>
/// A sum of counts under the notifications' dimensions (what delivery analytics groups by: '' where a notification has
/// none), per tenant, hour, status and reason.
/// </summary>
public sealed record DimensionTotal(Guid TenantId, DateTimeOffset Hour, string Channel, string Template, string Workflow,
    string Category, string Provider, string Status, string Reason, long Count);

public sealed partial class NotificationQueries
{
    /// <summary>
    /// $1–$6: tenant, notification, hour, status, reason and count per entry. Each notification is read by key and the
    /// counts summed per dimension in the statement, so the answer has one row per cell (tens), not one per notification
    /// (a flush's 25,000): the caller holds no per-notification map. An erased notification is left out, and so is a
    /// workflow test run's send (metadata <see cref="SendValidator.TestRunMetadata"/>): it went to the sandbox, not to the
    /// tenant's recipients.
    /// </summary>
    private const string TotalsByDimensionsSql = $"""
        select k.tenant_id, k.hour, n.channel, coalesce(n.template_key, ''), coalesce(n.metadata->>'workflow', ''),
               coalesce(n.category, ''), coalesce(n.provider_kind, ''), k.status, k.reason, sum(k.n)::int8
        from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::int8[]) k(tenant_id, id, hour, status, reason, n)
        join notifications n on n.tenant_id = k.tenant_id and n.id = k.id
        where n.metadata->'{SendValidator.TestRunMetadata}' is null
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9
        """;

    /// <summary>The counts of <paramref name="entries"/> summed under their notifications' dimensions, in one round trip.</summary>
    public async Task<List<DimensionTotal>> TotalsByDimensionsAsync(IReadOnlyCollection<CountOfNotification> entries, CancellationToken ct)
    {
        var totals = new List<DimensionTotal>();
        if (entries.Count == 0) return totals;
        await using var cmd = db.CreateCommand(TotalsByDimensionsSql);
        cmd.Parameters.AddWithValue(entries.Select(e => e.TenantId).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.Hour).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.Status).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.Reason).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.Count).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            totals.Add(new(r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), r.GetInt64(9)));
        return totals;
    }
}
