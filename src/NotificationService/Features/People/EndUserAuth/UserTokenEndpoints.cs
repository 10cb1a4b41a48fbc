using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;
using NotificationService.Features.People.Recipients;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>`expiresInSeconds`: 60 to 86,400; absent for the default hour.</summary>
public sealed record MintTokenRequest
{
    public int? ExpiresInSeconds { get; init; }
}
public sealed record MintedToken(string Token, DateTimeOffset ExpiresAt);
/// <summary>`kind` hs256 | rs256 | es256 | jwks; `publicKey` (PEM) for rs256/es256, `jwksUrl` for jwks; `kid` optional.</summary>
public sealed record AddUserKeyRequest
{
    public string? Kind { get; init; }
    public string? Kid { get; init; }
    public string? PublicKey { get; init; }
    public string? JwksUrl { get; init; }
}
/// <summary>A key as the API shows it; <see cref="Secret"/> only in the answer that created an HS256 key.</summary>
public sealed record UserKeyView(Guid Id, string Kind, string? Kid, string? JwksUrl, DateTimeOffset CreatedAt, string? Secret = null);

public sealed record UserTokenSettings(string Audience);

/// <summary>Signs end-user tokens with the tenant's service key (HS256): `iss` = tenant, `sub` = user, fixed audience.</summary>
public sealed class UserTokenIssuer(UserAuthKeyStore store, UserTokenSettings settings, TimeProvider clock)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public async Task<MintedToken> MintAsync(Guid tenantId, string userId, TimeSpan lifetime, CancellationToken ct)
    {
        var key = await store.ServiceKeyAsync(tenantId, ct);
        var now = clock.GetUtcNow();
        var expires = now + lifetime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = tenantId.ToString(),
            Audience = settings.Audience,
            Subject = new ClaimsIdentity([new Claim(EndUser.UserClaim, userId)]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key.Secret!) { KeyId = key.Id.ToString() },
                SecurityAlgorithms.HmacSha256),
        });
        return new MintedToken(token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}

public static class UserTokenEndpoints
{
    public static async Task<IResult> MintAsync(HttpContext http, string userId, UserTokenIssuer issuer, UserIdGate gate,
        CancellationToken ct)
    {
        // A token is the user's way back in (a device, preferences, the profile): none for a blocked user.
        await gate.AdmitAsync(http.User.TenantId(), userId, "userId", ct);
        var (body, _) = await JsonBody.ReadAsync<MintTokenRequest>(http.Request, 4096, ct);   // `{}` for the default lifetime
        var max = (int)EndUserJwt.MaxLifetime.TotalSeconds;
        if (body.ExpiresInSeconds is < 60 or > 86_400)
            throw RequestValidationException.For("expiresInSeconds", $"expiresInSeconds must be 60 to {max} (24 hours).");
        var lifetime = body.ExpiresInSeconds is { } s ? TimeSpan.FromSeconds(s) : UserTokenIssuer.DefaultLifetime;
        return Results.Ok(await issuer.MintAsync(http.User.TenantId(), userId, lifetime, ct));
    }

    public static async Task<IResult> ListKeysAsync(HttpContext http, UserAuthKeyStore store, CancellationToken ct) =>
        Results.Ok((await store.ListAsync(http.User.TenantId(), ct)).Where(k => k.Kind != UserKeyKinds.Service).Select(View).ToArray());

    public static async Task<IResult> AddKeyAsync(HttpContext http, UserAuthKeyStore store, UserKeyring keyring, CancellationToken ct)
    {
        var tenantId = http.User.TenantId();
        var (req, _) = await JsonBody.ReadAsync<AddUserKeyRequest>(http.Request, 64 * 1024, ct);
        if (req.Kind is null || !UserKeyKinds.Registrable.Contains(req.Kind))
            throw RequestValidationException.For("kind", $"kind must be one of {string.Join(", ", UserKeyKinds.Registrable)}.");
        if (req.Kid is { Length: 0 or > 200 }) throw RequestValidationException.For("kid", "kid must be 1 to 200 characters.");
        UserAuthKey created;
        switch (req.Kind)
        {
            case UserKeyKinds.Hs256:
                created = await store.AddAsync(tenantId, req.Kind, req.Kid, null, null, RandomNumberGenerator.GetBytes(32), ct);
                keyring.Forget(tenantId);
                return Results.Created($"/api/v1/admin/user-auth/keys/{created.Id}",
                    View(created) with { Secret = Base64Url(created.Secret!) });
            case UserKeyKinds.Rs256 or UserKeyKinds.Es256:
                if (req.PublicKey is not { Length: > 0 and <= 16_384 })
                    throw RequestValidationException.For("publicKey", "publicKey must be a PEM public key.");
                try { UserKeyring.PublicKey(req.Kind, req.PublicKey, "check"); }
                catch (Exception e) when (e is CryptographicException or ArgumentException)
                {
                    throw RequestValidationException.For("publicKey",
                        $"publicKey is not a {req.Kind.ToUpperInvariant()} PEM public key ({e.Message.TrimEnd('.')}).");
                }
                created = await store.AddAsync(tenantId, req.Kind, req.Kid, req.PublicKey, null, null, ct);
                break;
            default:
                if (!Uri.TryCreate(req.JwksUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")
                    || req.JwksUrl!.Length > 2000)
                    throw RequestValidationException.For("jwksUrl", "jwksUrl must be an absolute http(s) URL.");
                try
                {
                    if ((await keyring.FetchJwksAsync(url.AbsoluteUri, ct)).Count == 0)
                        throw new InvalidDataException("no signing keys in it");
                }
                catch (Exception e) when (e is HttpRequestException or InvalidDataException or ArgumentException or TaskCanceledException
                    && !ct.IsCancellationRequested)
                {
                    throw RequestValidationException.For("jwksUrl", $"jwksUrl could not be used: {Describe(e)}.");
                }
                created = await store.AddAsync(tenantId, req.Kind, req.Kid, null, url.AbsoluteUri, null, ct);
                break;
        }
        keyring.Forget(tenantId);
        return Results.Created($"/api/v1/admin/user-auth/keys/{created.Id}", View(created));
    }

    public static async Task<IResult> DeleteKeyAsync(HttpContext http, Guid id, UserAuthKeyStore store, UserKeyring keyring,
        CancellationToken ct)
    {
        var tenantId = http.User.TenantId();
        if (!await store.DeleteAsync(tenantId, id, ct)) throw new NotFoundException("Key");
        keyring.Forget(tenantId);
        return Results.NoContent();
    }

    private static UserKeyView View(UserAuthKey k) => new(k.Id, k.Kind, k.Kid, k.JwksUrl, k.CreatedAt);

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Describe(Exception e) => e switch
    {
        Channels.Outbound.OutboundRefusedException => "the address is not an allowed destination",
        HttpRequestException { StatusCode: { } s } => $"it answered {(int)s}",
        HttpRequestException => "it could not be reached",
        TaskCanceledException => "it did not answer in time",
        _ => "it is not a JWKS document with signing keys",
    };
}
