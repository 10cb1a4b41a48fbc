using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Channels.Outbound;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// Single sign-on for console members through the tenant's own OpenID Connect provider: `GET/PUT /api/v1/admin/sso`
/// (the configuration; the client secret is written, never read back) and the browser flow at `/admin/sso/*`
/// (<see cref="SsoFlowEndpoints"/>). A PUT reads the provider's discovery document through the outbound guard before
/// anything is stored, so a wrong issuer is a 400 naming `issuer` rather than a sign-in that fails later.
/// </summary>
public static class SsoEndpoints
{
    public static IServiceCollection AddSso(this IServiceCollection services)
    {
        services.AddSingleton<SsoSettingsStore>().AddSingleton<SsoSignInStore>().AddSingleton<SsoProviderMetadata>()
            .AddSingleton<SsoCodeExchange>().AddSingleton<SsoIdTokenValidator>().AddSingleton<ISsoMemberSignIn, SsoMemberSignIn>()
            .AddSingleton<Contracts.ITenantSignInOptions, SsoSignInOptions>()
            .AddSingleton<SsoDomainProofs>().AddSingleton<ISsoDomainTxtLookup, DnsTxtLookup>();
        services.AddHttpClient(SsoProviderMetadata.HttpClientName, c =>
            {
                c.Timeout = TimeSpan.FromSeconds(10);
                c.MaxResponseContentBufferSize = SsoProviderMetadata.MaxDocumentBytes;   // discovery, JWKS and token answers are bounded
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().Handler());
        return services;
    }

    public static void MapSso(this WebApplication app)
    {
        app.MapSsoFlow();
        var group = app.MapGroup("/api/v1/admin/sso").WithTags("Admin: single sign-on").RequireScopes();
        group.MapGet("/", async Task<Ok<SsoView>> (HttpContext http, SsoSettingsStore store, IConfiguration config, CancellationToken ct) =>
            TypedResults.Ok(await ViewAsync(http, store, config, ct) ?? throw new NotFoundException("The single sign-on configuration")))
            .WithSummary("The tenant's single sign-on configuration (never the client secret)").ProducesProblem(404);
        group.MapPut("/", async Task<Ok<SsoView>> (HttpContext http, SsoSettingsStore store, SsoProviderMetadata metadata,
            IConfiguration config, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<SsoDocument>(http.Request, 64 * 1024, ct);
            var tenantId = http.User.TenantId();
            var issuer = SsoRules.Issuer(body.Issuer);
            var clientId = SsoRules.ClientId(body.ClientId);
            var secret = SsoRules.ClientSecret(body.ClientSecret);
            var domains = SsoRules.Domains(body.AllowedDomains);
            var role = SsoRules.DefaultRole(body.DefaultRole);
            var required = body.Required ?? false;
            metadata.Forget(tenantId);
            try { await metadata.GetAsync(tenantId, issuer, ct); }
            catch (SsoProviderException e) { throw RequestValidationException.For("issuer", e.Message); }
            // Whoever saves it owns its reach: the provider signs in members up to this role only (RoleTable.SsoReaches).
            if (!await store.SaveAsync(tenantId, issuer, clientId, secret, domains, role, required, http.User.RoleOf(), ct))
                throw RequestValidationException.For("clientSecret",
                    "clientSecret is required the first time (the secret the provider gave for this client).");
            return TypedResults.Ok((await ViewAsync(http, store, config, ct))!);
        }).WithSummary("Set the tenant's OpenID Connect provider for console sign-in (clientSecret may be left out to keep the stored one)")
            .Audited("sso.replace", "sso", Before, _ => "sso")
            .Accepts<SsoDocument>("application/json").ProducesValidationProblem();
        group.MapPost("/domains/{domain}/verify", async Task<Ok<SsoDomainView>> (HttpContext http, string domain, SsoDomainProofs proofs,
            CancellationToken ct) => TypedResults.Ok(await proofs.VerifyAsync(http.User.TenantId(), domain, ct)))
            .WithSummary("Prove the tenant holds an allowed domain (its TXT record), so the sign-in page may find the tenant by it")
            .Audited("sso.domain_verify", "sso", null, _ => "sso")
            .ProducesProblem(404).ProducesProblem(409).ProducesValidationProblem();
    }

    private static async Task<SsoView?> ViewAsync(HttpContext http, SsoSettingsStore store, IConfiguration config, CancellationToken ct) =>
        await store.FindAsync(http.User.TenantId(), ct) is { } s
            ? new SsoView(s.Issuer, s.ClientId, s.ClientSecret.Length > 0, s.AllowedDomains, s.DefaultRole, s.Required,
                SsoFlowEndpoints.RedirectUri(http.Request, config), s.ConfiguredByRole,
                await http.RequestServices.GetRequiredService<SsoDomainProofs>().ListAsync(s.TenantId, ct))
            : null;

    private static async Task<object?> Before(HttpContext http, string _) =>
        await ViewAsync(http, http.RequestServices.GetRequiredService<SsoSettingsStore>(),
            http.RequestServices.GetRequiredService<IConfiguration>(), http.RequestAborted);
}
