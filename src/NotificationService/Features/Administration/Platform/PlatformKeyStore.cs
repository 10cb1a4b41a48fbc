using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// Operator keys: `nsp_&lt;8-char public id&gt;_&lt;43-char secret&gt;`, shaped like a tenant's `nsk_` keys but never
/// accepted where those are (nor they here). 256 random bits, so a fast hash is enough: only its SHA-256 is kept.
/// </summary>
public static partial class PlatformKeys
{
    public const string Scheme = "nsp_";
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string Generate()
    {
        var id = new string(RandomNumberGenerator.GetItems<char>(Alphabet, 8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Scheme}{id}_{secret}";
    }

    /// <summary>The public prefix of a well-formed key, or null.</summary>
    public static string? PrefixOf(string key) => Shape().Match(key) is { Success: true } m ? m.Groups["prefix"].Value : null;

    public static byte[] Hash(string key) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));

    [GeneratedRegex(@"^(?<prefix>nsp_[A-Za-z0-9]{8})_[A-Za-z0-9_\-]{43}$")]
    private static partial Regex Shape();
}

public sealed record PlatformKeyRow(Guid Id, string Name, string KeyPrefix, byte[] KeyHash);

/// <summary>
/// The owner of `platform_keys`: operator keys made with `platform keys create` and revoked with `platform keys revoke`.
/// A revoked key is refused at once by the replica that revoked it, by the others within `Platform:KeyCacheSeconds` (60).
/// </summary>
public sealed class PlatformKeyStore(NpgsqlDataSource db, TimeProvider clock, IConfiguration config)
{
    private readonly TtlCache<string, PlatformKeyRow?> _byPrefix =
        new(clock, TimeSpan.FromSeconds(Math.Clamp(config.GetValue("Platform:KeyCacheSeconds", 60.0), 0, 3600)));

    /// <summary>As <see cref="FindActiveAsync"/>, cached per replica (a minute by default): one query per key per minute, not
    /// per request.</summary>
    public ValueTask<PlatformKeyRow?> FindActiveCachedAsync(string keyPrefix, CancellationToken ct)
        => _byPrefix.GetOrLoadAsync(keyPrefix, FindActiveAsync, ct);

    /// <summary>A new key under <paramref name="name"/>: the key is returned once and only its hash is stored.</summary>
    public async Task<(PlatformKeyRow Row, string Key)> CreateAsync(string name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
            throw RequestValidationException.For("name", "A key name of 1 to 100 characters is required.");
        var key = PlatformKeys.Generate();
        var row = new PlatformKeyRow(Uuid7.New(), name.Trim(), PlatformKeys.PrefixOf(key)!, PlatformKeys.Hash(key));
        await using var cmd = db.CreateCommand("insert into platform_keys (id, name, key_prefix, key_hash) values ($1, $2, $3, $4)");
        cmd.Parameters.AddWithValue(row.Id);
        cmd.Parameters.AddWithValue(row.Name);
        cmd.Parameters.AddWithValue(row.KeyPrefix);
        cmd.Parameters.AddWithValue(row.KeyHash);
        await cmd.ExecuteNonQueryAsync(ct);
        return (row, key);
    }

    /// <summary>Revokes every unrevoked key made under <paramref name="name"/>; answers their public prefixes (none: no such
    /// key).</summary>
    public async Task<IReadOnlyList<string>> RevokeAsync(string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "update platform_keys set revoked_at = now() where name = $1 and revoked_at is null returning key_prefix");
        cmd.Parameters.AddWithValue(name.Trim());
        var prefixes = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) prefixes.Add(r.GetString(0));
        foreach (var prefix in prefixes) _byPrefix.Remove(prefix);
        return prefixes;
    }

    /// <summary>The unrevoked key with this public prefix (the caller compares the hash).</summary>
    public async Task<PlatformKeyRow?> FindActiveAsync(string keyPrefix, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select id, name, key_prefix, key_hash from platform_keys where key_prefix = $1 and revoked_at is null");
        cmd.Parameters.AddWithValue(keyPrefix);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new PlatformKeyRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<byte[]>(3)) : null;
    }
}
