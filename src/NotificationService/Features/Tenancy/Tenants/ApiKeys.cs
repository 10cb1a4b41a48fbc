using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace NotificationService.Features.Tenancy.Tenants;

/// <summary>
/// Service-account API keys: `nsk_&lt;8-char public id&gt;_&lt;43-char secret&gt;`. The secret is 256 random bits;
/// the public prefix (`nsk_xxxxxxxx`) finds the row, the SHA-256 of the whole key is what is stored.
/// A fast hash is enough here: the key has 256 bits of entropy, so there is nothing to brute-force.
/// </summary>
public static partial class ApiKeys
{
    public const string Scheme = "nsk_";
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string Generate()
    {
        var id = new string(RandomNumberGenerator.GetItems<char>(Alphabet, 8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Scheme}{id}_{secret}";
    }

    /// <summary>The public prefix of a well-formed key, or null.</summary>
    public static string? PrefixOf(string key)
    {
        var m = Shape().Match(key);
        return m.Success ? m.Groups["prefix"].Value : null;
    }

    public static byte[] Hash(string key) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));

    public static bool Matches(string key, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(key), storedHash);

    [GeneratedRegex(@"^(?<prefix>nsk_[A-Za-z0-9]{8})_[A-Za-z0-9_\-]{43}$")]
    private static partial Regex Shape();
}

public static class Scopes
{
    public const string Send = "notifications:send";
    public const string Read = "notifications:read";
    public const string Admin = "admin";
    /// <summary>Send with `overridePreferences: true` (past opt-outs and quiet hours). Checked in the handler: admin has it too.</summary>
    public const string Override = "notifications:override";
    /// <summary>A backend reads and writes its users' preferences (`/api/v1/services/users/{userId}/preferences`).</summary>
    public const string Preferences = "users:preferences";
    /// <summary>Mint end-user tokens (`POST /api/v1/services/users/{userId}/token`); admin implies it.</summary>
    public const string UsersToken = "users:token";
    /// <summary>Read recipient profiles (`GET /api/v1/services/users…`); admin implies it.</summary>
    public const string UsersRead = "users:read";
    /// <summary>Create, replace and merge recipient profiles, alone or in bulk; admin implies it.</summary>
    public const string UsersWrite = "users:write";
    /// <summary>Erase a user (GDPR Art. 17): reserved for the erase API, not built yet; admin will imply it.</summary>
    public const string UsersErase = "users:erase";
    /// <summary>Create, change and delete topics and their members (`/api/v1/services/topics…`); admin implies it.</summary>
    public const string TopicsWrite = "topics:write";
    /// <summary>Read topics, their members and a user's topics; admin implies it.</summary>
    public const string TopicsRead = "topics:read";
    public static readonly string[] All =
        [Send, Read, Admin, Override, Preferences, UsersToken, UsersRead, UsersWrite, UsersErase, TopicsWrite, TopicsRead];
}
