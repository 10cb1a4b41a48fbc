using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Features.People.Recipients;

namespace NotificationService.Features.People.Devices;

public sealed record DeviceRequest(string? UserId, string? Token, string? Platform);
public sealed record UserDeviceRequest(string? Token, string? Platform);

/// <summary>
/// `POST/DELETE /api/v1/services/devices`: backend services register their users' push tokens (`users:write`: a token is
/// the person's data, written as a profile is).
/// Push to a recipient with a userId and no deviceTokens is resolved to the active tokens at delivery time.
/// </summary>
public static class DeviceEndpoints
{
    public static readonly string[] Platforms = ["android", "ios", "web"];

    public static IServiceCollection AddDevices(this IServiceCollection services) => services.AddSingleton<DeviceStore>();

    public static void MapDevices(this WebApplication app)
    {
        MapUserDevices(app);
        var group = app.MapGroup("/api/v1/services/devices").WithTags("Devices").RequireScopes();

        group.MapPost("/", async (HttpContext http, UserIdGate gate, CancellationToken ct) =>
        {
            var d = await ReadAsync(http, requirePlatform: true, ct);
            await gate.WriteAsync(http.User.TenantId(), d.UserId!, "userId",
                DeviceStore.RegisterCommand(http.User.TenantId(), d.UserId!, d.Token!, d.Platform!), ct);
            return Results.Ok(new { d.UserId, d.Platform, active = true });
        }).WithSummary("Register a user's push device token").Produces(StatusCodes.Status200OK)
            .Accepts<DeviceRequest>("application/json").ProducesValidationProblem();

        // DELETE with a body: the token is too long and too sensitive for a URL (it would land in access logs).
        group.MapDelete("/", async (HttpContext http, DeviceStore store, CancellationToken ct) =>
        {
            var d = await ReadAsync(http, requirePlatform: false, ct);
            return await store.UnregisterAsync(http.User.TenantId(), d.UserId!, d.Token!, ct)
                ? Results.NoContent() : throw new NotFoundException("Device registration");
        }).WithSummary("Remove a user's push device token").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound).Accepts<DeviceRequest>("application/json").ProducesValidationProblem();
    }

    /// <summary>
    /// `/api/v1/users/me/devices`: the signed-in end user registers, lists and removes their own push tokens over the
    /// same store; the user comes from the token, so a userId in the body is refused rather than trusted.
    /// </summary>
    private static void MapUserDevices(WebApplication app)
    {
        var me = app.MapGroup("/api/v1/users/me/devices").WithTags("End users: devices").RequireAuthorization(EndUser.Policy);
        me.MapGet("/", async (HttpContext http, DeviceStore store, CancellationToken ct) =>
        {
            var u = EndUser.From(http.User);
            return Results.Ok(await store.ListAsync(u.TenantId, u.UserId, ct));
        }).WithSummary("List the user's push devices").Produces<UserDevice[]>();
        me.MapPost("/", async (HttpContext http, UserIdGate gate, CancellationToken ct) =>
        {
            var u = EndUser.From(http.User);
            var d = await ReadAsync(http, requirePlatform: true, ct, u.UserId);
            // A token minted before the erase still verifies: the gate refuses the blocked user.
            await gate.WriteAsync(u.TenantId, u.UserId, "userId",
                DeviceStore.RegisterCommand(u.TenantId, u.UserId, d.Token!, d.Platform!), ct);
            return Results.Ok(new { d.Platform, active = true });
        }).WithSummary("Register a push device token for the user").Produces(StatusCodes.Status200OK)
            .Accepts<UserDeviceRequest>("application/json").ProducesValidationProblem();
        me.MapDelete("/", async (HttpContext http, DeviceStore store, CancellationToken ct) =>
        {
            var u = EndUser.From(http.User);
            var d = await ReadAsync(http, requirePlatform: false, ct, u.UserId);
            return await store.UnregisterAsync(u.TenantId, u.UserId, d.Token!, ct)
                ? Results.NoContent() : throw new NotFoundException("Device registration");
        }).WithSummary("Remove one of the user's push device tokens").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Accepts<UserDeviceRequest>("application/json").ProducesValidationProblem();
    }

    private static async Task<DeviceRequest> ReadAsync(HttpContext http, bool requirePlatform, CancellationToken ct, string endUser)
    {
        var (d, _) = await JsonBody.ReadAsync<UserDeviceRequest>(http.Request, 64 * 1024, ct);
        return await Validate(new DeviceRequest(endUser, d.Token, d.Platform), requirePlatform);
    }

    private static async Task<DeviceRequest> ReadAsync(HttpContext http, bool requirePlatform, CancellationToken ct)
    {
        var (d, _) = await JsonBody.ReadAsync<DeviceRequest>(http.Request, 64 * 1024, ct);
        return await Validate(d, requirePlatform);
    }

    private static Task<DeviceRequest> Validate(DeviceRequest d, bool requirePlatform)
    {
        var errors = new Dictionary<string, string[]>();
        if (UserIdRule.Problem(d.UserId) is { } problem) errors["userId"] = [problem];
        if (string.IsNullOrWhiteSpace(d.Token) || d.Token.Length > RecipientRules.MaxDeviceTokenLength)
            errors["token"] = [$"token must be 1 to {RecipientRules.MaxDeviceTokenLength} characters."];
        if ((requirePlatform || d.Platform is not null) && !Platforms.Contains(d.Platform))
            errors["platform"] = [$"platform must be one of {string.Join(", ", Platforms)}."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return Task.FromResult(d);
    }
}
