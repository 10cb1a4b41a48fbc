using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace NotificationService.Infrastructure;

/// <summary>
/// Provider secrets at rest: AES-256-GCM under a key id (`Secrets:Keys:&lt;id&gt;` = base64 of 32 bytes,
/// `Secrets:ActiveKeyId` names the one used for new writes; older ids stay readable for rotation).
/// Without configured keys (the embedded developer default) a local key is created under `.data/`.
/// Layout: nonce (12) | ciphertext | tag (16); the plaintext is a JSON object of secret fields.
/// </summary>
public sealed class SecretProtector
{
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    public string ActiveKeyId { get; }

    public SecretProtector(IConfiguration config, ILogger<SecretProtector> log)
    {
        foreach (var k in config.GetSection("Secrets:Keys").GetChildren())
        {
            var bytes = Convert.FromBase64String(k.Value ?? "");
            if (bytes.Length != 32) throw new InvalidOperationException($"Secrets:Keys:{k.Key} must be 32 bytes, base64-encoded.");
            _keys[k.Key] = bytes;
        }
        if (_keys.Count == 0)
        {
            var path = Path.Combine(config["Postgres:DataDirectory"] is { } d ? Path.GetDirectoryName(Path.GetFullPath(d))! : ".data",
                "local-secret-key");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var created = !File.Exists(path);
            if (created) File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            _keys["local"] = Convert.FromBase64String(File.ReadAllText(path).Trim());
            // Said as a warning once, when the key is made, and on every start of a deployment (a configured database
            // with no configured keys is a mistake there); on the local default's later starts it is only information.
            var level = created || !config.GetValue<bool>("Postgres:Embedded") ? LogLevel.Warning : LogLevel.Information;
            log.Log(level, "No Secrets:Keys configured: provider secrets are encrypted with a local key in {Path} (fine for local use; "
                + "configure Secrets:Keys and Secrets:ActiveKeyId anywhere else)", Path.GetFullPath(path));
        }
        ActiveKeyId = config["Secrets:ActiveKeyId"] ?? _keys.Keys.First();
        if (!_keys.ContainsKey(ActiveKeyId)) throw new InvalidOperationException($"Secrets:ActiveKeyId '{ActiveKeyId}' has no key.");
    }

    /// <summary>
    /// A key for one purpose (e.g. signing unsubscribe links) derived from each secrets key with HKDF, the active one
    /// first: what the active key signs, every key verifies, so links sent before a rotation keep working.
    /// </summary>
    public IReadOnlyList<byte[]> DerivedKeys(string purpose) =>
        [.. _keys.OrderBy(k => k.Key == ActiveKeyId ? 0 : 1)
            .Select(k => HKDF.DeriveKey(HashAlgorithmName.SHA256, k.Value, 32, info: Encoding.UTF8.GetBytes(purpose)))];

    public (byte[] Ciphertext, string KeyId) Protect(IReadOnlyDictionary<string, string> secrets)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(secrets);
        var output = new byte[12 + plain.Length + 16];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[ActiveKeyId], 16);
        aes.Encrypt(nonce, plain, output.AsSpan(12, plain.Length), output.AsSpan(12 + plain.Length), Encoding.UTF8.GetBytes(ActiveKeyId));
        return (output, ActiveKeyId);
    }

    public IReadOnlyDictionary<string, string> Unprotect(byte[]? ciphertext, string? keyId)
    {
        if (ciphertext is null || ciphertext.Length == 0 || keyId is null) return new Dictionary<string, string>();
        if (!_keys.TryGetValue(keyId, out var key)) throw new InvalidOperationException($"No key '{keyId}' to decrypt provider secrets.");
        var plain = new byte[ciphertext.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(ciphertext.AsSpan(0, 12), ciphertext.AsSpan(12, plain.Length), ciphertext.AsSpan(12 + plain.Length), plain,
            Encoding.UTF8.GetBytes(keyId));
        return JsonSerializer.Deserialize<Dictionary<string, string>>(plain)!;
    }
}
