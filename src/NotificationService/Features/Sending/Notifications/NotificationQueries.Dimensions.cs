namespace NotificationService.Features.Sending.Notifications;

/// <summary>Counts of one (tenant, notification) under an hour, status and reason, for
/// <see cref="NotificationQueries.TotalsByDimensionsAsync"/>. <paramref name="MayWait"/>: the caller would rather keep the count
/// than file it without a provider while the notification's provider is still to be picked.</summary>
public readonly record struct CountOfNotification(Guid TenantId, Guid NotificationId, DateTimeOffset Hour, string Status, string Reason,
    long Count, bool MayWait = false);

/// <summary>
/// A sum of counts under the notifications' dimensions (what delivery analytics groups by: '' where a notification has
/// none), per tenant, hour, status and reason.
/// </summary>
public sealed record DimensionTotal(Guid TenantId, DateTimeOffset Hour, string Channel, string Template, string Workflow,
    string Category, string Provider, string Status, string Reason, long Count);

/// <summary>What <see cref="NotificationQueries.TotalsByDimensionsAsync"/> summed, and the counts that may wait it gave back
/// because their notification has no provider yet but will have one.</summary>
public sealed record DimensionTotals(List<DimensionTotal> Totals, List<CountOfNotification> Waiting);

public sealed partial class NotificationQueries
{
    /// <summary>
    /// $1–$7: tenant, notification, hour, status, reason, count and may-wait per entry. Each notification is read by key and
    /// the counts summed per dimension in the statement, so the answer has one row per cell (tens), not one per notification
    /// (a flush's 25,000): the caller holds no per-notification map. An erased notification is left out, and so is a
    /// workflow test run's send (metadata <see cref="SendValidator.TestRunMetadata"/>): it went to the sandbox, not to the
    /// tenant's recipients. An entry that may wait comes back on its own row with its id (the last column) while its
    /// notification is in flight without a provider: the worker records the provider with the attempt's outcome. An in_app
    /// notification never has one (the inbox is no provider): it never waits.
    /// </summary>
    private const string TotalsByDimensionsSql = $"""
        select k.tenant_id, k.hour, n.channel, coalesce(n.template_key, ''), coalesce(n.metadata->>'workflow', ''),
               coalesce(n.category, ''), coalesce(n.provider_kind, ''), k.status, k.reason, sum(k.n)::int8,
               case when k.may_wait and n.provider_kind is null and n.status in ('accepted', 'queued', 'sending')
                         and n.channel <> 'in_app' then k.id end
        from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::int8[], $7::bool[])
            k(tenant_id, id, hour, status, reason, n, may_wait)
        join notifications n on n.tenant_id = k.tenant_id and n.id = k.id
        where n.metadata->'{SendValidator.TestRunMetadata}' is null
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 11
        """;

    /// <summary>The counts of <paramref name="entries"/> summed under their notifications' dimensions, in one round trip, less
    /// those that wait for their notification's provider (<see cref="CountOfNotification.MayWait"/>), given back as they came.</summary>
    public async Task<DimensionTotals> TotalsByDimensionsAsync(IReadOnlyCollection<CountOfNotification> entries, CancellationToken ct)
    {
        var totals = new DimensionTotals([], []);
        if (entries.Count == 0) return totals;
        await using var cmd = db.CreateCommand(TotalsByDimensionsSql);
        cmd.Parameters.AddWithValue(entries.Select(e => e.TenantId).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.Hour).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.Status).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.Reason).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.Count).ToArray());
        cmd.Parameters.AddWithValue(entries.Select(e => e.MayWait).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            if (r.IsDBNull(10))
                totals.Totals.Add(new(r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), r.GetInt64(9)));
            else
                totals.Waiting.Add(new(r.GetGuid(0), r.GetGuid(10), r.GetFieldValue<DateTimeOffset>(1), r.GetString(7), r.GetString(8),
                    r.GetInt64(9), MayWait: true));
        return totals;
    }
}
