using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>
/// 401 for end-user routes: `WWW-Authenticate: Bearer error="invalid_token"` when a credential was presented and
/// refused, plain `Bearer` when none was, and a ProblemDetails with one short reason. Never the token, never the key.
/// </summary>
public static class EndUserChallenge
{
    public static async Task WriteAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        await WriteAsync(context.HttpContext, context.AuthenticateFailure is null && !context.Request.Headers.Authorization.Any()
            ? null
            : Reason(context.AuthenticateFailure));
    }

    public static async Task WriteAsync(HttpContext http, string? reason)
    {
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = reason is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = 401, Title = "Unauthorized",
                Detail = reason ?? "An end-user token is required: Authorization: Bearer <token>.",
            },
        });
    }

    public static string Reason(Exception? failure) => failure switch
    {
        EndUserTokenShapeException shape => shape.Message,
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry (exp).",
        SecurityTokenInvalidLifetimeException => "The token lives longer than 24 hours.",
        SecurityTokenInvalidIssuerException => "The token's issuer is unknown.",
        SecurityTokenInvalidAudienceException => "The token is meant for another audience.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The token's signature does not verify.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted.",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
        _ => "The token is invalid.",
    };
}
