using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>
/// The data subject's rights over `/api/v1/services/users`: erase (GDPR Art. 17: `DELETE /{userId}`, scope `users:erase`,
/// 202 with an erase job; `?block=true` refuses the userId from then on) and its progress (`GET /erasures/{jobId}`), and
/// export (Art. 15/20: `GET /{userId}/export`, scope `users:read`, one JSON document streamed). Admin implies both scopes.
/// </summary>
public static class PrivacyEndpoints
{
    public static string StatusUrl(Guid jobId) => $"{RecipientEndpoints.Path}/erasures/{jobId}";

    public sealed record EraseAccepted(Guid JobId, string Status, string StatusUrl);

    public static IServiceCollection AddPrivacy(this IServiceCollection services) => services
        .AddSingleton<EraseJobStore>()
        .AddSingleton<EraseRequests>()
        .AddSingleton<PersonRecords>()
        .AddSingleton<NotificationEraser>()
        .AddSingleton<UserExport>()
        .AddSingleton<IJobHandler, EraseJobHandler>()
        .AddSingleton(new WorkQueue(EraseJobHandler.QueueName));

    public static void MapPrivacy(this WebApplication app)
    {
        var group = app.MapGroup(RecipientEndpoints.Path).WithTags("Recipients: erase and export").RequireScopes();
        group.MapDelete("/{userId}", EraseAsync)
            .WithSummary("Erase a user everywhere (GDPR Art. 17); block=true also refuses the userId from now on. 202 with an erase job");
        group.MapGet("/erasures/{jobId:guid}", async Task<Ok<EraseJobView>> (Guid jobId, HttpContext http, EraseJobStore store,
            CancellationToken ct) =>
                TypedResults.Ok(await store.GetAsync(http.User.TenantId(), jobId, ct) ?? throw new NotFoundException("The erase job")))
            .WithSummary("An erase job's progress and what it erased").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{userId}/export", ExportAsync)
            .WithSummary("Everything stored about a user, as one JSON document (GDPR Art. 15/20), streamed")
            .Produces<UserExportDocument>(StatusCodes.Status200OK, "application/json");
    }

    private static async Task<Accepted<EraseAccepted>> EraseAsync(string userId, bool? block, HttpContext http, EraseRequests requests,
        CancellationToken ct)
    {
        RecipientEndpoints.Checked(userId);
        var jobId = await requests.RequestAsync(http.User, http.User.TenantId(), userId, block ?? false, ct);
        var url = StatusUrl(jobId);
        return TypedResults.Accepted(url, new EraseAccepted(jobId, "running", url));
    }

    private static async Task ExportAsync(string userId, HttpContext http, UserExport export, CancellationToken ct)
    {
        RecipientEndpoints.Checked(userId);
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"user-export.json\"";
        await export.WriteAsync(http.User.TenantId(), userId, http.Response.BodyWriter.AsStream(), ct);
    }
}
