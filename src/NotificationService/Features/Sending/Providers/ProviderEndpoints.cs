using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Providers;

/// <summary>`/api/v1/admin/providers`: the tenant's provider configs (admin scope). Secrets go in, never come out.</summary>
public static class ProviderEndpoints
{
    public static IServiceCollection AddProviders(this IServiceCollection services) => services
        .AddSingleton<ProviderStore>()
        .AddSingleton<ProviderDirectory>()
        .AddSingleton<CircuitBreakers>()
        .AddSingleton<ProviderRateLimiter>()
        .AddSingleton<ProviderAdmission>()
        .AddSingleton<ChatPacing>()   // one message per second per Slack conversation, shared across workers
        .AddSingleton<ProviderAdmin>()
        .AddSingleton<ProviderTestSend>()
        .AddSingleton<KeyRotation>();

    public static void MapProviders(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/providers").WithTags("Providers").RequireScopes();

        group.MapGet("/", (HttpContext http, ProviderAdmin admin, CancellationToken ct) => admin.ListAsync(http.User.TenantId(), ct))
            .WithSummary("List provider configurations in priority order");
        group.MapGet("/{id:guid}", (Guid id, HttpContext http, ProviderAdmin admin, CancellationToken ct)
                => admin.GetAsync(http.User.TenantId(), id, ct))
            .WithSummary("Get a provider configuration (secrets are never returned)");
        group.MapPost("/", async (HttpContext http, ProviderAdmin admin, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<ProviderRequest>(http.Request, ct: ct);
            var created = await admin.CreateAsync(http.User.TenantId(), body, ct);
            return Results.Created($"{http.Request.PathBase}/api/v1/admin/providers/{created.Id}", created);
        }).WithSummary("Add a provider configuration").Audited("provider.create", "provider")
            .Accepts<ProviderRequest>("application/json").Produces<ProviderView>(201).ProducesValidationProblem();
        group.MapPatch("/{id:guid}", async (Guid id, HttpContext http, ProviderAdmin admin, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<ProviderRequest>(http.Request, ct: ct);
            return await admin.UpdateAsync(http.User.TenantId(), id, body, ct);
        }).WithSummary("Change a provider configuration").Audited("provider.update", "provider", (http, id) => Before(http, id))
            .Accepts<ProviderRequest>("application/json").Produces<ProviderView>().ProducesValidationProblem();
        group.MapDelete("/{id:guid}", async (Guid id, HttpContext http, ProviderAdmin admin, CancellationToken ct) =>
        {
            await admin.DeleteAsync(http.User.TenantId(), id, ct);
            return Results.NoContent();
        }).WithSummary("Delete a provider configuration").Audited("provider.delete", "provider", (http, id) => Before(http, id));
        group.MapPost("/{id:guid}/test", async (Guid id, HttpContext http, ProviderTestSend test, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<ProviderTestRequest>(http.Request, ct: ct);
            return await test.SendAsync(http.User.TenantId(), id, body, ct);
        }).WithSummary("Send a test message through a provider configuration").Accepts<ProviderTestRequest>("application/json")
            .Produces<ProviderTestResult>().ProducesValidationProblem();
    }

    private static async Task<object?> Before(HttpContext http, string id) =>
        await http.RequestServices.GetRequiredService<ProviderAdmin>().GetAsync(http.User.TenantId(), Guid.Parse(id), http.RequestAborted);
}
