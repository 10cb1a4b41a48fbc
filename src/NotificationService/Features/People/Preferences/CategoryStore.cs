using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Channels;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Preferences;

/// <summary>
/// The one writer of `notification_categories`. Reads for the send path and the worker go through a per-tenant cache
/// (30 s; this replica's own writes drop it at once, other replicas see them within the TTL).
/// </summary>
public sealed partial class CategoryStore(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxKeyLength = 100;
    private readonly TtlCache<Guid, TenantCategories> _cache = new(clock, TimeSpan.FromSeconds(30));

    private const string Columns =
        "key, name, description, channels::text, required, commercial, is_default, quiet_hours, created_at, updated_at";

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]*$")]
    private static partial Regex KeyShape();

    public ValueTask<TenantCategories> ForTenantAsync(Guid tenantId, CancellationToken ct) =>
        _cache.GetOrLoadAsync(tenantId, async (t, c) => new TenantCategories(await ListAsync(t, c)), ct);

    public async Task<IReadOnlyList<Category>> ListAsync(Guid tenantId, CancellationToken ct) =>
        await QueryAsync($"select {Columns} from notification_categories where tenant_id = $1 order by key", ct, tenantId);

    /// <summary>Drops this replica's cached categories of the tenant (after a transaction that may have loaded them ends).</summary>
    public void Forget(Guid tenantId) => _cache.Remove(tenantId);

    public async Task<Category> GetAsync(Guid tenantId, string key, CancellationToken ct) =>
        (await QueryAsync($"select {Columns} from notification_categories where tenant_id = $1 and key = $2", ct, tenantId, key))
            .SingleOrDefault()
        ?? throw new NotFoundException("The category");

    public async Task<Category> CreateAsync(Guid tenantId, CategoryRequest r, CancellationToken ct)
    {
        if (r.Key is null || r.Key.Length > MaxKeyLength || !KeyShape().IsMatch(r.Key))
            throw RequestValidationException.For("key",
                $"A key is 1 to {MaxKeyLength} characters: lower-case letters, digits, '_', '.', '-'.");
        Check(r);
        try
        {
            return await WriteAsync(tenantId, r.Key, r, insert: true, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation
            && e.ConstraintName == "notification_categories_pkey")
        {
            throw new ConflictException($"The tenant already has a category '{r.Key}'.");
        }
    }

    /// <summary>Replaces a category's settings (its key stays).</summary>
    public async Task<Category> ReplaceAsync(Guid tenantId, string key, CategoryRequest r, CancellationToken ct)
    {
        if (r.Key is not null && r.Key != key) throw RequestValidationException.For("key", "A category's key cannot change.");
        Check(r);
        return await WriteAsync(tenantId, key, r, insert: false, ct);
    }

    public async Task DeleteAsync(Guid tenantId, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from notification_categories where tenant_id = $1 and key = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        if (await cmd.ExecuteNonQueryAsync(ct) == 0) throw new NotFoundException("The category");
        _cache.Remove(tenantId);
    }

    private static void Check(CategoryRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > 200) errors["name"] = ["A name is 1 to 200 characters."];
        if (r.Description is { Length: > 1000 }) errors["description"] = ["At most 1000 characters."];
        foreach (var channel in r.Channels?.Keys ?? Enumerable.Empty<string>())
            if (!ChannelNames.IsKnown(channel))
                errors[$"channels.{channel}"] = [$"Unknown channel '{channel}': one of {string.Join(", ", ChannelNames.All)}."];
        if (r.QuietHours is not (null or "hold" or "drop")) errors["quietHours"] = ["One of hold, drop."];
        if (r.Required == true && r.Commercial == true)
            errors["commercial"] = ["A required category cannot be commercial: commercial email must be unsubscribable."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }

    private async Task<Category> WriteAsync(Guid tenantId, string key, CategoryRequest r, bool insert, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginOwnAsync(ct);   // none inside a configuration push's transaction
        if (r.IsDefault == true)   // one default per tenant: taking the flag moves it
            await Execute(conn, tx,
                "update notification_categories set is_default = false where tenant_id = $1 and is_default and key <> $2",
                ct, tenantId, key);
        var sql = insert
            ? $"""
              insert into notification_categories (tenant_id, key, name, description, channels, required, commercial, is_default, quiet_hours)
              values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning {Columns}
              """
            : $"""
              update notification_categories set name = $3, description = $4, channels = $5, required = $6, commercial = $7, is_default = $8,
                  quiet_hours = $9, updated_at = now()
              where tenant_id = $1 and key = $2 returning {Columns}
              """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(r.Name!.Trim());
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)r.Description ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(r.Channels ?? []) });
        cmd.Parameters.AddWithValue(r.Required ?? false);
        cmd.Parameters.AddWithValue(r.Commercial ?? false);
        cmd.Parameters.AddWithValue(r.IsDefault ?? false);
        cmd.Parameters.AddWithValue(r.QuietHours ?? "hold");
        var written = (await ReadAsync(cmd, ct)).SingleOrDefault() ?? throw new NotFoundException("The category");
        await tx.CommitOwnAsync(ct);
        _cache.Remove(tenantId);   // after the write, so a concurrent reload cannot cache the old set
        return written;
    }

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<List<Category>> QueryAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return await ReadAsync(cmd, ct);
    }

    private static async Task<List<Category>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<Category>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new Category(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                JsonSerializer.Deserialize<Dictionary<string, bool>>(r.GetString(3)) ?? [], r.GetBoolean(4), r.GetBoolean(5),
                r.GetBoolean(6), r.GetString(7), r.GetFieldValue<DateTimeOffset>(8), r.GetFieldValue<DateTimeOffset>(9)));
        return list;
    }
}
