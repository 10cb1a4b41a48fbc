using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>A token refused for its shape; the message is the one reason the 401 gives.</summary>
public sealed class EndUserTokenShapeException(string reason) : SecurityTokenValidationException(reason);

/// <summary>
/// What RFC 7519 and RFC 7515 say a token looks like, where the JWT library is lenient: `exp`, `nbf` and `iat` are
/// NumericDates (JSON numbers; the library also takes `"exp":"1999999999"`), `sub` is a string (it takes `"sub":42` as
/// user "42"), a member name appears once, a `crit` header names extensions the recipient must understand or reject
/// (RFC 7515 §4.1.11; this service understands none), and a token is not issued in the future beyond the clock skew.
/// Checked on every end-user token whatever key verified it (the service's own or one the tenant registered), after the
/// signature, so an unsigned token costs no more than before.
/// </summary>
public static class EndUserTokenShape
{
    private static readonly string[] NumericDates = ["exp", "nbf", "iat"];

    /// <summary>Null when the token's header and claims have the registered types; otherwise the reason to refuse it.</summary>
    public static string? Problem(JsonWebToken token, DateTimeOffset now)
    {
        using (var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedHeader)))
        {
            if (HasDuplicate(header.RootElement)) return "The token's header names a parameter twice.";
            if (header.RootElement.TryGetProperty("crit", out _))
                return "The token names critical header parameters (crit) this service does not understand.";
        }
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        if (payload.RootElement.ValueKind != JsonValueKind.Object) return "The token is malformed.";
        if (HasDuplicate(payload.RootElement)) return "The token names a claim twice.";
        foreach (var p in payload.RootElement.EnumerateObject())
        {
            if (NumericDates.Contains(p.Name) && p.Value.ValueKind != JsonValueKind.Number)
                return $"The token's {p.Name} is not a number (a NumericDate).";
            if (p.Name == "sub" && p.Value.ValueKind != JsonValueKind.String) return "The token's sub is not a string.";
            if (p.Name == "iat" && p.Value.TryGetDouble(out var iat) && iat > (now + EndUserJwt.Skew).ToUnixTimeSeconds())
                return "The token was issued in the future (iat).";
        }
        return null;
    }

    /// <summary>RFC 7519 §4: a parser must reject duplicate member names or take the last; the library and this check
    /// might not pick the same one, so a duplicate is refused.</summary>
    private static bool HasDuplicate(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object) return false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
            if (!seen.Add(p.Name)) return true;
        return false;
    }
}
