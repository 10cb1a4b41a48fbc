using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NotificationService.Contracts;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>
/// JwtBearer options for end-user tokens: `iss` is the tenant id, `aud` is fixed, `exp` is required and at most 24 h
/// ahead, 30 s of clock skew. The tenant's keys are loaded (async) before validation, because JwtBearer's key resolver
/// is synchronous; they ride in HttpContext.Items. Failures answer 401 `Bearer error="invalid_token"` with a short
/// reason and nothing else.
/// </summary>
public static class EndUserJwt
{
    public const string BearerScheme = EndUser.Scheme + ".Bearer";
    public const string DefaultAudience = "notification-service";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private const string KeysItem = "EndUserJwt.Keys";

    public static void Configure(JwtBearerOptions o, string audience, IHttpContextAccessor accessor, TimeProvider clock)
    {
        o.MapInboundClaims = false;           // `sub` stays `sub`
        o.SaveToken = false;
        o.IncludeErrorDetails = false;        // our challenge writes the one reason we reveal
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudience = audience,
            ValidateIssuer = true,
            IssuerValidator = (issuer, _, _) => Guid.TryParse(issuer, out _) ? issuer
                : throw new SecurityTokenInvalidIssuerException("unknown issuer"),
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, _) => ValidateLifetime(notBefore, expires, clock.GetUtcNow().UtcDateTime),
            ClockSkew = Skew,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeyResolver = (_, _, _, _) => accessor.HttpContext?.Items[KeysItem] as IEnumerable<SecurityKey> ?? [],
            NameClaimType = EndUser.UserClaim,
        };
        o.Events = new JwtBearerEvents
        {
            OnMessageReceived = LoadKeysAsync,
            OnTokenValidated = ToEndUser,
            OnChallenge = EndUserChallenge.WriteAsync,
        };
    }

    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, DateTime now)
    {
        if (expires is null) throw new SecurityTokenNoExpirationException("no exp");
        if (expires.Value.ToUniversalTime() < now - Skew) throw new SecurityTokenExpiredException("expired") { Expires = expires.Value };
        if (expires.Value.ToUniversalTime() > now + MaxLifetime + Skew)
            throw new SecurityTokenInvalidLifetimeException("lifetime over 24 h") { Expires = expires };
        if (notBefore is { } nbf && nbf.ToUniversalTime() > now + Skew)
            throw new SecurityTokenNotYetValidException("not yet valid") { NotBefore = nbf };
        return true;
    }

    /// <summary>Reads `iss` and `kid` unvalidated only to choose the tenant's keys; everything is verified afterwards.</summary>
    private static async Task LoadKeysAsync(MessageReceivedContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return;
        var token = header["Bearer ".Length..].Trim();
        context.Token = token;
        JsonWebToken jwt;
        try { jwt = new JsonWebToken(token); }
        catch (Exception) { return; }   // JwtBearer rejects it as malformed
        if (!Guid.TryParse(jwt.Issuer, out var tenant)) { context.Fail(new SecurityTokenInvalidIssuerException("unknown issuer")); return; }
        var keyring = context.HttpContext.RequestServices.GetRequiredService<UserKeyring>();
        var keys = await keyring.KeysAsync(tenant, string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, context.HttpContext.RequestAborted);
        if (keys.Count == 0) { context.Fail(new SecurityTokenInvalidIssuerException("unknown issuer")); return; }
        context.HttpContext.Items[KeysItem] = keys;
    }

    /// <summary>The principal carries the tenant (from the verified issuer) and the user, and nothing the token said about itself
    /// beyond that; a token whose claims or header have the wrong shape (<see cref="EndUserTokenShape"/>) is refused first.</summary>
    private static Task ToEndUser(TokenValidatedContext context)
    {
        var token = (JsonWebToken)context.SecurityToken;
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        if (EndUserTokenShape.Problem(token, clock.GetUtcNow()) is { } shape)
        {
            context.Fail(new EndUserTokenShapeException(shape));
            return Task.CompletedTask;
        }
        var sub = token.Subject;
        // A tenant's own token names a user by the same rule a write does: a look-alike of a blocked user is no user.
        if (UserIdRule.Problem(sub) is not null)
        {
            context.Fail(new SecurityTokenValidationException("missing or malformed sub"));
            return Task.CompletedTask;
        }
        context.Principal = Principal(Guid.Parse(token.Issuer), sub, BearerScheme);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The tenant also goes in the service-wide tenant claim, so the per-tenant rate limits (class end_user) and the
    /// request log scope apply to end users too; no scope claim is ever added, so no service policy is satisfied.
    /// </summary>
    public static ClaimsPrincipal Principal(Guid tenantId, string userId, string scheme) =>
        new(new ClaimsIdentity([new Claim(EndUser.TenantClaim, tenantId.ToString()),
            new Claim(Features.Tenancy.Auth.AuthClaims.TenantIdClaim, tenantId.ToString()),
            new Claim(EndUser.UserClaim, userId)], scheme, EndUser.UserClaim, null));
}
