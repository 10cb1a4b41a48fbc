using NotificationService.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.Audit;

/// <summary>`/api/v1/admin/audit`: the tenant's admin changes, newest first, filtered, in keyset pages.</summary>
public static class AuditEndpoints
{
    public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? NextCursor);

    public static IServiceCollection AddAudit(this IServiceCollection services) => services
        .AddSingleton<AuditLog>()
        .AddSingleton<IRetainedData, AuditRetention>();   // entries older than Retention:AuditLog:Days

    public static void MapAudit(this WebApplication app)
    {
        app.MapGet("/api/v1/admin/audit", async Task<Ok<AuditPage>> (string? action, string? targetType, string? targetId, string? actor,
            UtcQueryTime? from, UtcQueryTime? to, string? cursor, int? limit, HttpContext http, AuditLog audit, CancellationToken ct) =>
        {
            long? before = cursor is null ? null
                : long.TryParse(cursor, out var c) && c > 0 ? c
                : throw RequestValidationException.For("cursor", "Use the nextCursor of the previous page.");
            var size = limit is null ? 50 : limit is >= 1 and <= 200 ? limit.Value
                : throw RequestValidationException.For("limit", "A limit from 1 to 200.");
            var items = await audit.ListAsync(http.User.TenantId(),
                new AuditFilter(action, targetType, targetId, actor, from?.Value, to?.Value), before, size, ct);
            return TypedResults.Ok(new AuditPage(items, items.Count == size ? items[^1].Id.ToString() : null));
        }).WithTags("Admin: audit").RequireScopes().WithSummary("List admin changes (who, what, when, before/after with secrets redacted)");
    }
}
