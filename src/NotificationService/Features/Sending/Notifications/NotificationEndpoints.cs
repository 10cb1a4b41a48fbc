using NotificationService.Features.Sending.Templates;
using NotificationService.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Notifications;

public static class NotificationEndpoints
{
    public static IServiceCollection AddNotifications(this IServiceCollection services) => services
        .AddSingleton<NotificationLedger>()      // the only writer of notifications and their history; others subscribe
        .AddSingleton<IRetainedData, NotificationRetention>()
        .AddSingleton<IRetainedData, InAppRetention>()   // gone inbox items with their in-app notifications
        .AddSingleton<SendValidator>()
        .AddSingleton<IRecentTemplateSends, RecentTemplateSends>()   // for the template publish guard
        .AddSingleton<NotificationWriter>()
        .AddSingleton<AcceptBatcher>()
        .AddSingleton<SendHandler>()
        .AddSingleton<NotificationQueries>()
        .AddSingleton<NotificationSearch>()      // the console's delivery log
        .AddSingleton<NotificationActivity>()    // the console overview's last hour
        .AddSingleton<TemplateTestSend>();

    public static void MapNotifications(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/services/notifications").WithTags("Notifications").RequireScopes();

        group.MapPost("/send", SendAsync).WithSummary("Send a notification on one or more channels")
            .Accepts<SendRequest>("application/json").Produces<AcceptedNotification>(202).ProducesValidationProblem()
            .ProducesValidationProblem(422)
            .AddOpenApiOperationTransformer(DescribeMultiChannelAnswer);
        group.MapGet("/{id:guid}", GetAsync).WithSummary("Get a notification's status and history");
        group.MapPost("/{id:guid}/cancel", CancelAsync).WithSummary("Cancel a notification no worker has claimed yet");
        TemplateTestSend.Map(app);
    }

    /// <summary>`channels` (a list) answers a list of accepted notifications, one per channel; `channel` answers one.</summary>
    private static Task DescribeMultiChannelAnswer(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken ct)
    {
        if (operation.Responses is { } responses && responses.TryGetValue("202", out var accepted)
            && accepted.Content?.TryGetValue("application/json", out var media) == true && media.Schema is { } one)
            media.Schema = new OpenApiSchema { OneOf = [one, new OpenApiSchema { Type = JsonSchemaType.Array, Items = one }] };
        return Task.CompletedTask;
    }

    private static async Task<IResult> SendAsync(HttpContext http, SendHandler handler, CancellationToken ct)
    {
        var (request, raw) = await JsonBody.ReadAsync<SendRequest>(http.Request, ct: ct);
        SendValidator.CheckOverrideScope(request, http.User);
        // A profile patch rewrites where later sends by userId go: the profile API's scope, not only the send's.
        if (request.Recipient?.Profile is not null) http.User.RequireFieldScope("recipient.profile");
        var key = http.Request.Headers[IdempotencyStore.Header].FirstOrDefault();
        var statusBase = $"{http.Request.PathBase}/api/v1/services/notifications";
        var outcome = await handler.AcceptAsync(http.User.TenantId(), request, raw, key, statusBase, ct);
        if (outcome.Replayed) http.Response.Headers[IdempotencyStore.ReplayedHeader] = "true";
        return Results.Content(outcome.Body, "application/json", statusCode: outcome.StatusCode);
    }

    private static async Task<Results<Ok<NotificationStatus>, NotFound>> GetAsync(Guid id, HttpContext http, NotificationQueries queries,
        CancellationToken ct) =>
        await queries.GetAsync(http.User.TenantId(), id, ct) is { } n ? TypedResults.Ok(n) : TypedResults.NotFound();

    private static async Task<Results<Ok<NotificationStatus>, NotFound>> CancelAsync(Guid id, HttpContext http, NotificationLedger ledger,
        NotificationQueries queries, CancellationToken ct)
    {
        await ledger.CancelAsync(http.User.TenantId(), id, ct);
        return await GetAsync(id, http, queries, ct);
    }
}
