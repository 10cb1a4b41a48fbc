using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Suppressions;

/// <summary>`/api/v1/admin/suppressions`: see who will not be messaged and why, and lift an entry. Tenant-scoped.</summary>
public static class SuppressionEndpoints
{
    public static IServiceCollection AddSuppressions(this IServiceCollection services) => services.AddSingleton<SuppressionStore>();

    public static void MapSuppressions(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/suppressions").WithTags("Admin: suppressions").RequireScopes();

        group.MapGet("/", async Task<Ok<IReadOnlyList<SuppressionView>>> (string? channel, string? address, int? limit, HttpContext http,
            SuppressionStore store, CancellationToken ct) =>
        {
            var c = channel is null ? null : Channel(channel);
            return TypedResults.Ok(await store.ListAsync(http.User.TenantId(), c,
                c is null || address is null ? null : Addresses.Normalize(c, address), Math.Clamp(limit ?? 100, 1, 1000), ct));
        }).WithSummary("List suppressed addresses");

        group.MapDelete("/", async Task<Results<NoContent, NotFound>> (string? channel, string? address, HttpContext http,
            SuppressionStore store, CancellationToken ct) =>
        {
            if (channel is null || address is null)
                throw RequestValidationException.For(channel is null ? "channel" : "address", "Name the channel and the address to lift.");
            var c = Channel(channel);
            var normalized = Addresses.Normalize(c, address) ?? throw RequestValidationException.For("address", "Not an address.");
            return await store.RemoveAsync(http.User.TenantId(), c, normalized, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
        }).WithSummary("Remove an address from the suppression list").Audited("suppression.remove", "suppression",
            targetOf: http => $"{http.Request.Query["channel"]}:{http.Request.Query["address"]}");
    }

    private static string Channel(string channel) => Addresses.Suppressible(channel) ? channel
        : throw RequestValidationException.For("channel", "Suppressions exist for email, sms and whatsapp.");
}
