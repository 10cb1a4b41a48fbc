using System.Text.Json;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.Audit;

/// <summary>
/// `.Audited("template.publish", "template")` on an admin route: when the handler succeeds (2xx), one audit row with
/// the route's object id, the state before (from the feature's own loader, when given) and the answer as the state
/// after. The feature hands in plain delegates, so Audit depends on none of the features it records.
/// </summary>
public static class AuditedEndpoints
{
    public delegate Task<object?> LoadBefore(HttpContext http, string targetId);

    private static readonly string[] TargetRouteValues = ["id", "name", "jobId"];

    /// <param name="targetOf">For routes that name their object outside the path (e.g. in the query).</param>
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action, string targetType, LoadBefore? before = null,
        Func<HttpContext, string?>? targetOf = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var target = targetOf?.Invoke(http)
                ?? TargetRouteValues.Select(k => http.GetRouteValue(k)?.ToString()).FirstOrDefault(v => v is not null);
            object? prior = null;
            if (before is not null && target is not null)
                try { prior = await before(http, target); }
                catch (ApiException) { }   // no such object: the handler answers 404 and nothing is recorded

            var result = await next(context);
            var answer = result is INestedHttpResult nested ? nested.Result : result;   // Results<Ok<T>, NotFound> wraps the one it chose
            var status = (answer as IStatusCodeHttpResult)?.StatusCode ?? (answer is IResult ? http.Response.StatusCode : 200);
            if (status is < 200 or >= 300) return result;
            var after = answer is IValueHttpResult v ? v.Value : answer is IResult ? null : answer;
            await http.RequestServices.GetRequiredService<AuditLog>()
                .RecordAsync(http.User, action, targetType, target ?? IdOf(after), prior, after, http.RequestAborted);
            return result;
        });

    private static string? IdOf(object? value) =>
        value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), JsonBody.Options)?["id"]?.ToString();
}
