using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Webhooks;

public sealed record WebhookEndpointView(Guid Id, string Url, string? Description, string[] Events, bool Enabled, string? DisabledReason,
    DateTimeOffset? PreviousSecretExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record WebhookEndpointWithSecret(WebhookEndpointView Endpoint, string Secret);

/// <summary>
/// Tenant webhook endpoints. Secrets are encrypted at rest like provider secrets (they must be usable to
/// sign, so they cannot be hashed) and returned only when created or rotated.
/// </summary>
public sealed class WebhookEndpointStore(NpgsqlDataSource db, SecretProtector protector, WebhookSubscriptions subscriptions)
{
    /// <summary>How long the previous secret keeps signing after a rotation, so receivers can switch over.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    private const string Columns =
        "id, url, description, events, enabled, disabled_reason, previous_secret_expires_at, created_at, updated_at";

    /// <summary>
    /// Why an endpoint imported from another tenant's export is disabled: its secret did not travel, and the one made at
    /// import was never shown to anyone, so it stays disabled until a rotation gives the admin a secret to share.
    /// </summary>
    public const string AwaitingSecret = "imported without its signing secret: rotate the secret, then enable the endpoint";

    /// <summary>An endpoint from another tenant's export: disabled, <see cref="AwaitingSecret"/>, until its secret is rotated.</summary>
    public async Task<WebhookEndpointView> ImportAsync(Guid tenantId, string url, string[] events, string? description,
        CancellationToken ct)
    {
        var created = await CreateAsync(tenantId, url, events, enabled: false, description, ct);
        await using var cmd = db.CreateCommand("update webhook_endpoints set disabled_reason = $3 where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(created.Endpoint.Id);
        cmd.Parameters.AddWithValue(AwaitingSecret);
        await cmd.ExecuteNonQueryAsync(ct);
        return created.Endpoint with { DisabledReason = AwaitingSecret };
    }

    public async Task<WebhookEndpointWithSecret> CreateAsync(Guid tenantId, string url, string[] events, bool enabled, string? description,
        CancellationToken ct)
    {
        var secret = WebhookSigner.NewSecret();
        var (cipher, keyId) = protector.Protect(new Dictionary<string, string> { ["current"] = secret });
        await using var cmd = db.CreateCommand($"""
            insert into webhook_endpoints (id, tenant_id, url, events, enabled, description, secrets_ciphertext, secrets_key_id)
            values ($1, $2, $3, $4, $5, $6, $7, $8) returning {Columns}
            """);
        foreach (var v in new object?[]
                { Uuid7.New(), tenantId, url, events, enabled, (object?)description ?? DBNull.Value, cipher, keyId })
            cmd.Parameters.AddWithValue(v!);
        var created = new WebhookEndpointWithSecret((await ReadAsync(cmd, ct)).Single(), secret);
        subscriptions.Invalidate(tenantId);
        return created;
    }

    public async Task<IReadOnlyList<WebhookEndpointView>> ListAsync(Guid tenantId, CancellationToken ct) =>
        await QueryAsync($"select {Columns} from webhook_endpoints where tenant_id = $1 order by created_at", ct, tenantId);

    public async Task<WebhookEndpointView> GetAsync(Guid tenantId, Guid id, CancellationToken ct) =>
        (await QueryAsync($"select {Columns} from webhook_endpoints where tenant_id = $1 and id = $2", ct, tenantId, id)).SingleOrDefault()
        ?? throw new NotFoundException("The webhook endpoint");

    /// <summary>
    /// Null fields are left as they are. Re-enabling clears the reason it was disabled (e.g. a 410), except for an imported
    /// endpoint whose secret no one has yet (<see cref="AwaitingSecret"/>): a 409 until it is rotated.
    /// </summary>
    public async Task<WebhookEndpointView> UpdateAsync(Guid tenantId, Guid id, string? url, string[]? events, bool? enabled,
        string? description, CancellationToken ct)
    {
        if (enabled == true && (await GetAsync(tenantId, id, ct)).DisabledReason == AwaitingSecret)
            throw new ConflictException($"This endpoint was imported without its signing secret: rotate it first "
                + $"(POST /api/v1/admin/webhooks/{id}/rotate-secret), then enable it.");
        var view = (await QueryAsync($"""
            update webhook_endpoints set url = coalesce($3, url), events = coalesce($4, events), enabled = coalesce($5, enabled),
                description = coalesce($6, description), disabled_reason = case when $5 then null else disabled_reason end, updated_at = now()
            where tenant_id = $1 and id = $2 returning {Columns}
            """, ct, tenantId, id, (object?)url ?? DBNull.Value, (object?)events ?? DBNull.Value, (object?)enabled ?? DBNull.Value,
                (object?)description ?? DBNull.Value))
            .SingleOrDefault() ?? throw new NotFoundException("The webhook endpoint");
        subscriptions.Invalidate(tenantId);   // after the write, so a concurrent reload cannot cache the old set
        return view;
    }

    /// <summary>Enabled endpoints of these tenants with the events they subscribe to, inside the caller's transaction.</summary>
    public async Task<IReadOnlyList<(Guid Id, Guid TenantId, string[] Events)>> EnabledForTenantsAsync(NpgsqlConnection conn,
        NpgsqlTransaction tx, Guid[] tenantIds, CancellationToken ct)
    {
        var endpoints = new List<(Guid, Guid, string[])>();
        await using var cmd = new NpgsqlCommand(
            "select id, tenant_id, events from webhook_endpoints where tenant_id = any($1) and enabled", conn, tx);
        cmd.Parameters.AddWithValue(tenantIds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) endpoints.Add((r.GetGuid(0), r.GetGuid(1), r.GetFieldValue<string[]>(2)));
        return endpoints;
    }

    /// <summary>Endpoints that answered 410 Gone: disabled with the reason shown to the admin.</summary>
    public async Task DisableAsync(IReadOnlyCollection<Guid> ids, string reason, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        await using var cmd = db.CreateCommand("""
            update webhook_endpoints set enabled = false, disabled_reason = $2, updated_at = now() where id = any($1)
            returning tenant_id
            """);
        cmd.Parameters.AddWithValue(ids.ToArray());
        cmd.Parameters.AddWithValue(reason);
        var tenants = new HashSet<Guid>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) tenants.Add(r.GetGuid(0));
        foreach (var tenant in tenants) subscriptions.Invalidate(tenant);
    }

    public async Task DeleteAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from webhook_endpoints where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        var deleted = await cmd.ExecuteNonQueryAsync(ct);
        subscriptions.Invalidate(tenantId);
        if (deleted == 0) throw new NotFoundException("The webhook endpoint");
    }

    /// <summary>New current secret; the old one keeps signing (alongside) for <see cref="RotationOverlap"/>.</summary>
    public async Task<WebhookEndpointWithSecret> RotateAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var select = new NpgsqlCommand(
            "select secrets_ciphertext, secrets_key_id from webhook_endpoints where tenant_id = $1 and id = $2 for update", conn, tx)
            { Parameters = { new() { Value = tenantId }, new() { Value = id } } };
        Dictionary<string, string> secrets;
        await using (var r = await select.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) throw new NotFoundException("The webhook endpoint");
            secrets = new(protector.Unprotect(r.GetFieldValue<byte[]>(0), r.GetString(1)));
        }
        var secret = WebhookSigner.NewSecret();
        var (cipher, keyId) = protector.Protect(new Dictionary<string, string> { ["current"] = secret, ["previous"] = secrets["current"] });
        await using var update = new NpgsqlCommand($"""
            update webhook_endpoints set secrets_ciphertext = $3, secrets_key_id = $4, previous_secret_expires_at = now() + $5, updated_at = now(),
                disabled_reason = nullif(disabled_reason, $6)
            where tenant_id = $1 and id = $2 returning {Columns}
            """, conn, tx) { Parameters = { new() { Value = tenantId }, new() { Value = id }, new() { Value = cipher },
                new() { Value = keyId }, new() { Value = RotationOverlap }, new() { Value = AwaitingSecret } } };
        var view = (await ReadAsync(update, ct)).Single();
        await tx.CommitAsync(ct);
        return new(view, secret);
    }

    /// <summary>The secrets to sign with now: the current one, and the previous one while its overlap lasts.</summary>
    public IReadOnlyList<string> SigningSecrets(byte[] ciphertext, string keyId, DateTimeOffset? previousExpiresAt, DateTimeOffset now)
    {
        var s = protector.Unprotect(ciphertext, keyId);
        return previousExpiresAt > now && s.TryGetValue("previous", out var previous) ? [s["current"], previous] : [s["current"]];
    }

    private async Task<List<WebhookEndpointView>> QueryAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(a is DBNull ? new NpgsqlParameter { Value = a } : new NpgsqlParameter { Value = a });
        return await ReadAsync(cmd, ct);
    }

    private static async Task<List<WebhookEndpointView>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<WebhookEndpointView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new WebhookEndpointView(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.GetFieldValue<string[]>(3), r.GetBoolean(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7),
                r.GetFieldValue<DateTimeOffset>(8)));
        return list;
    }
}
