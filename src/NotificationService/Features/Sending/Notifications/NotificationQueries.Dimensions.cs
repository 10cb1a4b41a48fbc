namespace NotificationService.Features.Sending.Notifications;

/// <summary>What a notification is counted under in the delivery analytics: '' where it has none.</summary>
public sealed record NotificationDimensions(string Channel, string Template, string Workflow, string Category, string Provider);

public sealed partial class NotificationQueries
{
    /// <summary>$1 tenants, $2 ids (pairwise): each notification's dimensions, read by key. An erased one is absent.</summary>
    private const string DimensionsSql = """
        select n.tenant_id, n.id, n.channel, coalesce(n.template_key, ''), coalesce(n.metadata->>'workflow', ''),
               coalesce(n.category, ''), coalesce(n.provider_kind, '')
        from unnest($1::uuid[], $2::uuid[]) k(tenant_id, id)
        join notifications n on n.tenant_id = k.tenant_id and n.id = k.id
        """;

    /// <summary>The dimensions of each of <paramref name="keys"/> that still exists, in one round trip.</summary>
    public async Task<Dictionary<(Guid TenantId, Guid Id), NotificationDimensions>> DimensionsAsync(
        IReadOnlyCollection<(Guid TenantId, Guid Id)> keys, CancellationToken ct)
    {
        var found = new Dictionary<(Guid, Guid), NotificationDimensions>();
        if (keys.Count == 0) return found;
        await using var cmd = db.CreateCommand(DimensionsSql);
        cmd.Parameters.AddWithValue(keys.Select(k => k.TenantId).ToArray());
        cmd.Parameters.AddWithValue(keys.Select(k => k.Id).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found[(r.GetGuid(0), r.GetGuid(1))] = new(r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6));
        return found;
    }
}
