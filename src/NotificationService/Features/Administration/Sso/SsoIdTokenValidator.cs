using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace NotificationService.Features.Administration.Sso;

/// <summary>Who the provider says signed in, after every check.</summary>
public sealed record SsoIdentity(Guid TenantId, string Issuer, string Subject, string Email);

/// <summary>
/// An ID token checked as OpenID Connect Core 3.1.3.7 says, with IdentityModel's own validators (the ones the ASP.NET
/// Core OpenIdConnect handler uses): signature by a key of the provider's JWKS, issuer, audience (the tenant's client
/// id; `azp` when there are several), expiry with one minute of clock skew, and the nonce of the sign-in this browser
/// started. Then the email: present and `email_verified: true` (an unverified address proves nothing about who it is).
/// </summary>
public sealed class SsoIdTokenValidator(SsoProviderMetadata metadata)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);
    private const int MaxTokenLength = 16 * 1024;
    private static readonly JsonWebTokenHandler Handler = new() { MaximumTokenSizeInBytes = MaxTokenLength };

    public async Task<SsoIdentity> ValidateAsync(OpenIdConnectConfiguration provider, SsoSettings settings,
        string idToken, string nonce, CancellationToken ct)
    {
        var result = await Handler.ValidateTokenAsync(idToken, Parameters(provider, settings));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key the cached JWKS does not hold: the provider may have rotated. Read the JWKS again (rate-limited) and retry once.
            metadata.RequestRefresh(settings.TenantId, settings.Issuer);
            provider = await metadata.GetAsync(settings.TenantId, settings.Issuer, ct);
            result = await Handler.ValidateTokenAsync(idToken, Parameters(provider, settings));
        }
        if (!result.IsValid) throw new SsoSignInRefused(Refusal(result.Exception), result.Exception?.GetType().Name);

        var token = (JsonWebToken)result.SecurityToken;
        if (token.Audiences.Count() > 1 && (!token.TryGetPayloadValue<string>("azp", out var azp) || azp != settings.ClientId))
            throw new SsoSignInRefused(SsoRefusal.WrongAudience, "several audiences and azp is not the client id");
        if (!token.TryGetPayloadValue<string>("nonce", out var tokenNonce) || tokenNonce != nonce)
            throw new SsoSignInRefused(SsoRefusal.NonceMismatch);
        if (!token.TryGetPayloadValue<string>("email", out var email) || email is not { Length: > 2 and <= 320 } || !email.Contains('@'))
            throw new SsoSignInRefused(SsoRefusal.NoEmail);
        if (!token.TryGetPayloadValue<bool>("email_verified", out var verified) || !verified)
            throw new SsoSignInRefused(SsoRefusal.EmailNotVerified);
        return new SsoIdentity(settings.TenantId, token.Issuer, token.Subject, email.Trim().ToLowerInvariant());
    }

    private static TokenValidationParameters Parameters(OpenIdConnectConfiguration provider, SsoSettings settings) => new()
    {
        ValidIssuer = provider.Issuer,
        ValidAudience = settings.ClientId,
        IssuerSigningKeys = provider.SigningKeys,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = ClockSkew,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
            SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
            SecurityAlgorithms.EcdsaSha512],
    };

    private static SsoRefusal Refusal(Exception? e) => e switch
    {
        SecurityTokenInvalidAudienceException => SsoRefusal.WrongAudience,
        SecurityTokenInvalidIssuerException => SsoRefusal.WrongIssuer,
        SecurityTokenExpiredException or SecurityTokenNoExpirationException or SecurityTokenNotYetValidException => SsoRefusal.Expired,
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException
            => SsoRefusal.BadSignature,
        _ => SsoRefusal.TokenInvalid,
    };
}
