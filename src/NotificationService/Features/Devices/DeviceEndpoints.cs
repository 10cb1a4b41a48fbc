using NotificationService.Contracts;
using NotificationService.Features.Auth;
using NotificationService.Features.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Devices;

public sealed record DeviceRequest(string? UserId, string? Token, string? Platform);

/// <summary>
/// `POST/DELETE /api/v1/services/devices`: backend services register their users' push tokens (send scope).
/// Push to a recipient with a userId and no deviceTokens is resolved to the active tokens at delivery time.
/// </summary>
public static class DeviceEndpoints
{
    public static readonly string[] Platforms = ["android", "ios", "web"];

    public static IServiceCollection AddDevices(this IServiceCollection services) => services.AddSingleton<DeviceStore>();

    public static void MapDevices(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/services/devices").WithTags("Devices").RequireAuthorization(Scopes.Send);

        group.MapPost("/", async (HttpContext http, DeviceStore store, CancellationToken ct) =>
        {
            var d = await ReadAsync(http, requirePlatform: true, ct);
            await store.RegisterAsync(http.User.TenantId(), d.UserId!, d.Token!, d.Platform!, ct);
            return Results.Ok(new { d.UserId, d.Platform, active = true });
        }).WithSummary("Register a user's push device token").Produces(StatusCodes.Status200OK).Accepts<DeviceRequest>("application/json").ProducesValidationProblem();

        // DELETE with a body: the token is too long and too sensitive for a URL (it would land in access logs).
        group.MapDelete("/", async (HttpContext http, DeviceStore store, CancellationToken ct) =>
        {
            var d = await ReadAsync(http, requirePlatform: false, ct);
            return await store.UnregisterAsync(http.User.TenantId(), d.UserId!, d.Token!, ct)
                ? Results.NoContent() : throw new NotFoundException("Device registration");
        }).WithSummary("Remove a user's push device token").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).Accepts<DeviceRequest>("application/json").ProducesValidationProblem();
    }

    private static async Task<DeviceRequest> ReadAsync(HttpContext http, bool requirePlatform, CancellationToken ct)
    {
        var (d, _) = await JsonBody.ReadAsync<DeviceRequest>(http.Request, 64 * 1024, ct);
        var errors = new Dictionary<string, string[]>();
        if (d.UserId is not { Length: > 0 and <= RecipientRules.MaxUserIdLength })
            errors["userId"] = [$"userId must be 1 to {RecipientRules.MaxUserIdLength} characters."];
        if (string.IsNullOrWhiteSpace(d.Token) || d.Token.Length > RecipientRules.MaxDeviceTokenLength)
            errors["token"] = [$"token must be 1 to {RecipientRules.MaxDeviceTokenLength} characters."];
        if ((requirePlatform || d.Platform is not null) && !Platforms.Contains(d.Platform))
            errors["platform"] = [$"platform must be one of {string.Join(", ", Platforms)}."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return d;
    }
}
