using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Channels;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Usage;

public sealed record UsageReport(DateOnly From, DateOnly To, IReadOnlyList<UsageDay> Days);

/// <summary>`GET /api/v1/admin/usage`: the tenant's notifications per UTC day and channel, by the status they reached.</summary>
public static class UsageEndpoints
{
    private const int MaxDays = 366;

    /// <summary>The days a bound may name: defaulting `from` to 29 days before `to` must stay inside DateOnly's range
    /// (at 0001-01-01 that arithmetic was a 500).</summary>
    private static readonly DateOnly Earliest = new(1970, 1, 1);
    private static readonly DateOnly Latest = new(9999, 12, 31);

    public static IServiceCollection AddUsage(this IServiceCollection services) => services
        .AddSingleton<UsageStore>()
        .AddSingleton<UsageCounter>()
        .AddSingleton<INotificationObserver>(sp => sp.GetRequiredService<UsageCounter>())
        .AddSingleton<UsageFlusher>()
        .AddHostedService(sp => sp.GetRequiredService<UsageFlusher>());

    public static void MapUsage(this WebApplication app) =>
        app.MapGroup("/api/v1/admin/usage").WithTags("Admin: usage").RequireScopes()
            .MapGet("", async Task<Ok<UsageReport>> (string? from, string? to, string? channel, HttpContext http, UsageStore store,
                TimeProvider clock, CancellationToken ct) =>
            {
                var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
                var last = Day(to, "to") ?? today;
                var first = Day(from, "from") ?? last.AddDays(-29);
                if (first > last) throw RequestValidationException.For("from", "`from` is after `to`.");
                if (last.DayNumber - first.DayNumber >= MaxDays)
                    throw RequestValidationException.For("from", $"At most {MaxDays} days per request.");
                if (channel is not null && !ChannelNames.IsKnown(channel))
                    throw RequestValidationException.For("channel", $"One of {string.Join(", ", ChannelNames.All)}.");
                return TypedResults.Ok(new UsageReport(first, last, await store.ListAsync(http.User.TenantId(), first, last, channel, ct)));
            }).WithSummary("The tenant's notifications per day and channel, by status reached");

    private static DateOnly? Day(string? value, string field)
    {
        if (value is null) return null;
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            throw RequestValidationException.For(field, "A date as yyyy-MM-dd (UTC).");
        if (d < Earliest || d > Latest)
            throw RequestValidationException.For(field, $"A date from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}.");
        return d;
    }
}
