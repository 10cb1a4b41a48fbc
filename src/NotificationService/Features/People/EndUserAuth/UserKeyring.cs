using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>
/// The signing keys that verify one tenant's end-user tokens, cached per tenant for <see cref="Ttl"/> (a deleted key
/// stops working within that time on every replica). JWKS documents are fetched through the outbound guard and
/// fetched again, at most every <see cref="JwksRefreshFloor"/>, when a token names a `kid` the cache does not hold.
/// </summary>
public sealed class UserKeyring(UserAuthKeyStore store, IHttpClientFactory http, TimeProvider clock, ILogger<UserKeyring> log)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan JwksRefreshFloor = TimeSpan.FromSeconds(30);
    public const string JwksClient = "jwks";
    public const int MaxJwksBytes = 64 * 1024;

    private readonly TtlCache<Guid, IReadOnlyList<SecurityKey>> _byTenant = new(clock, Ttl);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastRefresh = new();

    public async Task<IReadOnlyList<SecurityKey>> KeysAsync(Guid tenantId, string? kid, CancellationToken ct)
    {
        var keys = await _byTenant.GetOrLoadAsync(tenantId, LoadAsync, ct);
        if (kid is null || keys.Any(k => k.KeyId == kid)) return keys;
        // An unknown kid: the tenant may have rotated its JWKS. Refetch, but not on every bad token.
        var now = clock.GetUtcNow();
        if (_lastRefresh.TryGetValue(tenantId, out var last) && now - last < JwksRefreshFloor) return keys;
        _lastRefresh[tenantId] = now;
        _byTenant.Remove(tenantId);
        return await _byTenant.GetOrLoadAsync(tenantId, LoadAsync, ct);
    }

    public void Forget(Guid tenantId) => _byTenant.Remove(tenantId);

    private async Task<IReadOnlyList<SecurityKey>> LoadAsync(Guid tenantId, CancellationToken ct)
    {
        var keys = new List<SecurityKey>();
        foreach (var k in await store.ListAsync(tenantId, ct))
        {
            try
            {
                switch (k.Kind)
                {
                    case UserKeyKinds.Service or UserKeyKinds.Hs256:
                        keys.Add(new SymmetricSecurityKey(k.Secret!) { KeyId = k.Kid ?? k.Id.ToString() });
                        break;
                    case UserKeyKinds.Rs256 or UserKeyKinds.Es256:
                        keys.Add(PublicKey(k.Kind, k.PublicKeyPem!, k.Kid ?? k.Id.ToString()));
                        break;
                    case UserKeyKinds.Jwks:
                        keys.AddRange(await FetchJwksAsync(k.JwksUrl!, ct));
                        break;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One unreachable JWKS must not lock out tokens signed with the tenant's other keys.
                log.LogWarning("End-user key {KeyId} of tenant {TenantId} could not be loaded: {Error}", k.Id, tenantId, e.Message);
            }
        }
        return keys;
    }

    /// <summary>Parses a PEM public key of the kind named; throws <see cref="CryptographicException"/> or ArgumentException when it
    /// is not one.</summary>
    public static SecurityKey PublicKey(string kind, string pem, string keyId)
    {
        if (kind == UserKeyKinds.Rs256)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            if (rsa.KeySize < 2048) throw new CryptographicException("RSA keys must be at least 2048 bits.");
            return new RsaSecurityKey(rsa) { KeyId = keyId };
        }
        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        if (ec.KeySize != 256) throw new CryptographicException("ES256 needs a P-256 key.");
        return new ECDsaSecurityKey(ec) { KeyId = keyId };
    }

    /// <summary>The signing keys of a JWKS document at <paramref name="url"/> (through the outbound guard, no redirects).</summary>
    public async Task<IReadOnlyList<SecurityKey>> FetchJwksAsync(string url, CancellationToken ct)
    {
        using var client = http.CreateClient(JwksClient);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxJwksBytes) throw new InvalidDataException("JWKS document too large");
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxJwksBytes + 1];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        if (read > MaxJwksBytes) throw new InvalidDataException("JWKS document too large");
        return [.. new JsonWebKeySet(System.Text.Encoding.UTF8.GetString(buffer, 0, read)).GetSigningKeys()];
    }
}
