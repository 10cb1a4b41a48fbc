using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using NotificationService.Channels.Outbound;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>
/// End-user authentication: the `EndUserJwt` scheme (a bearer JWT, or a stream ticket on the stream route), the
/// `end-user` policy that only that scheme satisfies, token minting for backends and the admin API for the keys a
/// tenant's own backend signs with. API keys never satisfy the end-user policy, and end-user tokens never satisfy an
/// API-key policy: every policy names its scheme, and the default scheme is chosen by path.
/// </summary>
public static class EndUserAuthEndpoints
{
    private const string ByPathScheme = "ByPath";
    public const string UsersMePath = "/api/v1/users/me";

    public static IServiceCollection AddEndUserAuth(this IServiceCollection services, IConfiguration config)
    {
        var audience = config["EndUsers:Audience"] ?? EndUserJwt.DefaultAudience;
        services.AddHttpContextAccessor();
        services.AddSingleton<UserAuthKeyStore>();
        services.AddSingleton<UserKeyring>();
        services.AddSingleton<StreamTicketStore>();
        services.AddSingleton(new UserTokenSettings(audience));
        services.AddSingleton<UserTokenIssuer>();
        services.AddHttpClient(UserKeyring.JwksClient, c => c.Timeout = TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().Handler());
        services.AddLogging(b =>
            b.AddFilter("Microsoft.AspNetCore.Authentication.JwtBearer", LogLevel.Warning));   // failure lines, never tokens

        services.AddAuthentication(o => o.DefaultScheme = ByPathScheme)
            .AddPolicyScheme(ByPathScheme, "API key, or end-user token on /api/v1/users/me", o => o.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments(UsersMePath) ? EndUser.Scheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddPolicyScheme(EndUser.Scheme, "End-user token or stream ticket", o => o.ForwardDefaultSelector = http =>
                StreamTicketHandler.Applies(http) ? StreamTicketHandler.SchemeName : EndUserJwt.BearerScheme)
            .AddScheme<AuthenticationSchemeOptions, StreamTicketHandler>(StreamTicketHandler.SchemeName, null)
            .AddJwtBearer(EndUserJwt.BearerScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(EndUserJwt.BearerScheme).Configure<IHttpContextAccessor, TimeProvider>((o, accessor, clock) =>
            EndUserJwt.Configure(o, audience, accessor, clock));
        services.AddAuthorizationBuilder()
            .AddPolicy(EndUser.Policy,
                p => p.AddAuthenticationSchemes(EndUser.Scheme).RequireAuthenticatedUser().RequireClaim(EndUser.TenantClaim));
        return services;
    }

    public static void MapEndUserAuth(this WebApplication app)
    {
        app.MapPost("/api/v1/services/users/{userId}/token", UserTokenEndpoints.MintAsync).WithTags("End users: tokens")
            .RequireScopes()
            .WithSummary("Mint a short-lived end-user token (scope users:token)").Accepts<MintTokenRequest>("application/json")
            .Produces<MintedToken>().ProducesValidationProblem();

        var keys = app.MapGroup("/api/v1/admin/user-auth/keys").WithTags("Admin: end-user token keys").RequireScopes();
        keys.MapGet("/", UserTokenEndpoints.ListKeysAsync)
            .WithSummary("List the keys that verify the tenant's end-user tokens (no secrets)")
            .Produces<UserKeyView[]>();
        keys.MapPost("/", UserTokenEndpoints.AddKeyAsync)
            .WithSummary("Register an HS256 secret (generated, shown once), an RS256/ES256 public key or a JWKS URL")
            .Accepts<AddUserKeyRequest>("application/json").Produces<UserKeyView>(StatusCodes.Status201Created).ProducesValidationProblem();
        keys.MapDelete("/{id:guid}", UserTokenEndpoints.DeleteKeyAsync)
            .WithSummary("Remove a key: tokens it signed stop working within a minute")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost($"{UsersMePath}/stream-ticket", async (HttpContext http, StreamTicketStore tickets, CancellationToken ct) =>
        {
            var (ticket, expiresAt) = await tickets.IssueAsync(EndUser.From(http.User), ct);
            return Results.Ok(new StreamTicket(ticket, expiresAt));
        }).WithTags("End users: inbox").RequireAuthorization(EndUser.Policy)
            .WithSummary("A single-use ticket for `GET /stream?ticket=` (EventSource cannot send headers); valid 60 s")
            .Produces<StreamTicket>();
    }
}

public sealed record StreamTicket(string Ticket, DateTimeOffset ExpiresAt);
