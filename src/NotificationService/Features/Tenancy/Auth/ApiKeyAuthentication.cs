using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Tenancy.Auth;

/// <summary>
/// `Authorization: Bearer nsk_…` → a principal carrying the tenant and the key's scopes.
/// The tenant always comes from here, never from a request body.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private readonly ILogger rejections = logger.CreateLogger("NotificationService.Features.Tenancy.Auth.ApiKeyRejections");

    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.Fail("Use the Bearer scheme.");

        var key = header["Bearer ".Length..].Trim();
        if (key.StartsWith(MemberTokens.Prefix, StringComparison.Ordinal)) return await MemberAsync(key);
        var account = await cache.FindAsync(key, Context.RequestAborted);
        if (account is null)
        {
            // The one line a rejected key produces (the middleware's own lines are filtered, see LoggingSetup): the
            // key's public id only, never the key.
            rejections.LogInformation("API key rejected: unknown, revoked or malformed (key id {KeyId})", ApiKeys.PrefixOf(key) ?? "none");
            return AuthenticateResult.Fail("Invalid or revoked API key.");
        }

        var claims = new List<Claim>
        {
            new(AuthClaims.TenantIdClaim, account.TenantId.ToString()),
            new(AuthClaims.ServiceAccountId, account.Id.ToString()),
            new(AuthClaims.KeyPrefix, account.KeyPrefix),
        };
        claims.AddRange(account.Scopes.Select(s => new Claim(AuthClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>A console member's token (admin API only, as their role allows); never logged, like a key.</summary>
    private async Task<AuthenticateResult> MemberAsync(string token)
    {
        var authenticator = Context.RequestServices.GetService<IMemberTokenAuthenticator>();
        if (authenticator is not null && await authenticator.AuthenticateAsync(token, Context.RequestAborted) is { } member)
            return AuthenticateResult.Success(new AuthenticationTicket(member, SchemeName));
        rejections.LogInformation("Member token rejected: unknown, expired, revoked, or its member is no longer active");
        return AuthenticateResult.Fail("Invalid, expired or revoked member token.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"notification-service\"";
        return Task.CompletedTask;
    }

    /// <summary>A key without the operation's scope: a 403 problem naming what the operation needs (its row of
    /// <see cref="ScopeTable"/>, as the policy is named), so the caller knows which key to use.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Context.User.IsMember())
        {
            var role = Context.User.FindFirstValue(AuthClaims.MemberRole);
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: Request.Path.StartsWithSegments("/api/v1/admin")
                    ? $"Your role ({role}) does not allow this operation. Ask an owner or admin of your team if you need it."
                    : "A member's token reaches the admin API only: services call this with an API key.",
                extensions: new Dictionary<string, object?> { ["role"] = role }).ExecuteAsync(Context);
        }
        var needs = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
            .LastOrDefault()?.Policy;
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: needs switch
            {
                null => "This key's scopes do not allow this operation.",
                _ when needs.Contains(' ') => $"This operation needs the scopes {needs} (admin has every scope).",
                _ => $"This operation needs the '{needs}' scope (admin has every scope).",
            },
            extensions: needs is null ? null : new Dictionary<string, object?> { ["requiredScope"] = needs }).ExecuteAsync(Context);
    }
}

public static class AuthClaims
{
    public const string TenantIdClaim = "tenant_id";
    public const string ServiceAccountId = "service_account_id";
    public const string Scope = "scope";
    /// <summary>The key's public id: who did it, in the audit log (never the key).</summary>
    public const string KeyPrefix = "key_prefix";
    /// <summary>Set on principals of a console session, so the audit log can tell the console from the API.</summary>
    public const string ConsoleSession = "console_session";
    /// <summary>A console member's id, email and how they signed in (Administration/Members sets them): the audit names the
    /// person.</summary>
    public const string MemberId = "member_id", MemberEmail = "member_email", MemberMethod = "member_method";
    /// <summary>A member's role (owner, admin, editor, operator, viewer), read afresh on every request.</summary>
    public const string MemberRole = "member_role";
    /// <summary>Set on the principal of an operator's command-line action (`tenants create --owner-email`,
    /// `members sign-in-link`).</summary>
    public const string CommandLine = "command_line";

    /// <summary>Whether the key carries <paramref name="scope"/> (admin carries every scope).</summary>
    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        ScopeTable.Covers(user.FindAll(Scope).Select(c => c.Value), scope);

    public static Guid TenantId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(TenantIdClaim) ?? throw new InvalidOperationException("no tenant on an authenticated principal"));
}
