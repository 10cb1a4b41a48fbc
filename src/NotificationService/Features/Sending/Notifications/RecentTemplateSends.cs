using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Sending.Templates;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// A template's recent sends for the publish guard. Bounded and indexed: the tenant's newest notifications come from its
/// (tenant_id, created_at desc) index, at most <see cref="PublishGuard.LookedAt"/> of the last <see cref="PublishGuard.Window"/>,
/// and of those the template's are kept. No index of its own: one per template key would cost every accept a write.
/// </summary>
public sealed class RecentTemplateSends(NpgsqlDataSource db) : IRecentTemplateSends
{
    public async Task<IReadOnlyList<RecentSend>> ForTemplateAsync(Guid tenantId, string key, string channel, string locale,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select n.data::text, n.recipient->>'userId', n.recipient->>'email', n.recipient->>'phone'
            from (select template_key, channel, locale, data, recipient from notifications
                  where tenant_id = $1 and created_at > now() - $5::interval order by created_at desc limit $6) n
            where n.template_key = $2 and n.channel = $3 and n.locale = $4
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(locale);
        cmd.Parameters.AddWithValue(PublishGuard.Window);
        cmd.Parameters.AddWithValue(PublishGuard.LookedAt);
        var sends = new List<RecentSend>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            sends.Add(new RecentSend(r.IsDBNull(0) ? null : JsonNode.Parse(r.GetString(0)) as JsonObject,
                new KnownRecipient(r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetString(3))));
        return sends;
    }
}
