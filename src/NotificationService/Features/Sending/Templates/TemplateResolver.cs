using Npgsql;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Templates;

public sealed record ResolvedTemplate(Guid VersionId, string Locale);

/// <summary>
/// Picks the published template version for a send: locale `fr-CA` falls back to `fr`, then to the
/// tenant's default locale. The version id is pinned on the notification, so later edits never
/// change an accepted message. A template's published locales are cached briefly: a publish reaches new sends within
/// <see cref="Ttl"/>.
/// </summary>
public sealed class TemplateResolver(NpgsqlDataSource db, TenantStore tenants, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    /// <summary>A template's published version per locale, and the tenant's default locale.</summary>
    private sealed record Variants(Dictionary<string, Guid> ByLocale, string? DefaultLocale);

    private readonly TtlCache<(Guid Tenant, string Key, string Channel), Variants?> _cache = new(clock, Ttl);

    public async ValueTask<ResolvedTemplate?> ResolveAsync(Guid tenantId, string key, string channel, string? locale, CancellationToken ct)
    {
        if (await _cache.GetOrLoadAsync((tenantId, key, channel), (k, c) => LoadAsync(k.Tenant, k.Key, k.Channel, c), ct)
                is not { } variants) return null;
        foreach (var candidate in Candidates(locale, variants.DefaultLocale))
            if (variants.ByLocale.TryGetValue(candidate, out var version)) return new ResolvedTemplate(version, candidate);
        return null;
    }

    /// <summary>Whether the template is published in more than one locale, so the recipient's locale can change which
    /// variant a send gets (when it is a single one, there is nothing to look up).</summary>
    public async ValueTask<bool> HasLocaleVariantsAsync(Guid tenantId, string key, string channel, CancellationToken ct) =>
        await _cache.GetOrLoadAsync((tenantId, key, channel), (k, c) => LoadAsync(k.Tenant, k.Key, k.Channel, c), ct)
            is { ByLocale.Count: > 1 };

    private async Task<Variants?> LoadAsync(Guid tenantId, string key, string channel, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select locale, published_version_id from templates
            where tenant_id = $1 and key = $2 and channel = $3 and deleted_at is null and published_version_id is not null
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(channel);
        var byLocale = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) byLocale[r.GetString(0)] = r.GetGuid(1);
        if (byLocale.Count == 0) return null;
        return new Variants(byLocale, await tenants.DefaultLocaleAsync(tenantId, ct));
    }

    /// <summary>Drops this replica's cached resolutions for a tenant after a publish, rollback or delete,
    /// so the admin who just published sees the new version on the next send.</summary>
    public void Forget(Guid tenantId) => _cache.RemoveWhere(k => k.Tenant == tenantId);

    /// <summary>fr-CA → fr → tenant default (→ its language).</summary>
    public static IEnumerable<string> Candidates(string? locale, string? tenantDefault)
    {
        foreach (var l in new[] { locale, tenantDefault })
        {
            if (string.IsNullOrEmpty(l)) continue;
            for (var tag = l; ; tag = tag[..tag.LastIndexOf('-')])
            {
                yield return tag;
                if (!tag.Contains('-')) break;
            }
        }
    }
}
