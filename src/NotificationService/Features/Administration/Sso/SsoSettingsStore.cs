using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// The one owner of `tenant_sso`: a tenant's OpenID Connect provider. The client secret is sealed with the service's
/// secrets key (<see cref="SecretProtector"/>, as provider secrets are) and unsealed only for the sign-in flow.
/// </summary>
public sealed class SsoSettingsStore(NpgsqlDataSource db, SecretProtector secrets)
{
    private const string SecretField = "clientSecret";

    public async Task<SsoSettings?> FindAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select issuer, client_id, client_secret, secret_key_id, allowed_domains, default_role, required, configured_by_role
            from tenant_sso where tenant_id = $1
            """);
        cmd.Parameters.AddWithValue(tenantId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var secret = secrets.Unprotect(r.GetFieldValue<byte[]>(2), r.GetString(3)).GetValueOrDefault(SecretField, "");
        return new SsoSettings(tenantId, r.GetString(0), r.GetString(1), secret, r.GetFieldValue<string[]>(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.GetBoolean(6), r.GetString(7));
    }

    /// <summary>The one tenant whose configuration lists <paramref name="domain"/> and who proved it holds it
    /// (<see cref="SsoDomainProofs"/>), or null when none or several did (then the sign-in page has to name the tenant).</summary>
    public async Task<Guid?> TenantForDomainAsync(string domain, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select s.tenant_id from sso_domains d join tenant_sso s on s.tenant_id = d.tenant_id and s.allowed_domains @> array[d.domain]
            where d.domain = $1 and d.verified_at is not null limit 2
            """);
        cmd.Parameters.AddWithValue(domain);
        var tenants = new List<Guid>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) tenants.Add(r.GetGuid(0));
        return tenants.Count == 1 ? tenants[0] : null;
    }

    /// <summary>Creates or replaces the configuration, recording the role of who saved it (<paramref name="configuredByRole"/>)
    /// and keeping one proof row per allowed domain, in one transaction; a null <paramref name="clientSecret"/> keeps the
    /// stored one (false when there is none to keep: nothing is written).</summary>
    public async Task<bool> SaveAsync(Guid tenantId, string issuer, string clientId, string? clientSecret, string[] allowedDomains,
        string? defaultRole, bool required, string configuredByRole, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await WriteAsync(connection, tenantId, issuer, clientId, clientSecret, allowedDomains, defaultRole, required,
            configuredByRole, ct))
            return false;
        await SsoDomainProofs.SyncAsync(connection, tenantId, allowedDomains, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task<bool> WriteAsync(NpgsqlConnection connection, Guid tenantId, string issuer, string clientId, string? clientSecret,
        string[] allowedDomains, string? defaultRole, bool required, string configuredByRole, CancellationToken ct)
    {
        (byte[]? sealedSecret, string? keyId) = clientSecret is null ? default
            : secrets.Protect(new Dictionary<string, string> { [SecretField] = clientSecret });
        await using var cmd = new NpgsqlCommand("""
            insert into tenant_sso as s (tenant_id, issuer, client_id, client_secret, secret_key_id, allowed_domains, default_role, required,
                configured_by_role, updated_at)
            select $1, $2, $3, $4, $5, $6, $7, $8, $9, now() where $4::bytea is not null
            on conflict (tenant_id) do update set issuer = excluded.issuer, client_id = excluded.client_id,
                client_secret = excluded.client_secret, secret_key_id = excluded.secret_key_id, allowed_domains = excluded.allowed_domains,
                default_role = excluded.default_role, required = excluded.required, configured_by_role = excluded.configured_by_role, updated_at = now()
            """, connection);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(issuer);
        cmd.Parameters.AddWithValue(clientId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)sealedSecret ?? DBNull.Value,
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)keyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(allowedDomains);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)defaultRole ?? DBNull.Value,
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(required);
        cmd.Parameters.AddWithValue(configuredByRole);
        if (await cmd.ExecuteNonQueryAsync(ct) == 1) return true;
        if (clientSecret is not null) return false;

        await using var keep = new NpgsqlCommand("""
            update tenant_sso set issuer = $2, client_id = $3, allowed_domains = $4, default_role = $5, required = $6, configured_by_role = $7,
                updated_at = now()
            where tenant_id = $1
            """, connection);
        keep.Parameters.AddWithValue(tenantId);
        keep.Parameters.AddWithValue(issuer);
        keep.Parameters.AddWithValue(clientId);
        keep.Parameters.AddWithValue(allowedDomains);
        keep.Parameters.Add(new NpgsqlParameter { Value = (object?)defaultRole ?? DBNull.Value,
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        keep.Parameters.AddWithValue(required);
        keep.Parameters.AddWithValue(configuredByRole);
        return await keep.ExecuteNonQueryAsync(ct) == 1;
    }
}
