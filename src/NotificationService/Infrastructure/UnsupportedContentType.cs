using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace NotificationService.Infrastructure;

/// <summary>
/// The detail of a 415 that routing answers before any handler runs. An endpoint that declares what it takes
/// (`.Accepts(…)`, e.g. `application/merge-patch+json` for a profile patch) is not matched by a request of another
/// Content-Type, and the framework's 415 said nothing of what to send instead. The endpoints the request would have
/// reached are found again by method and path, and what they take is named.
/// </summary>
public static class UnsupportedContentType
{
    public static string Detail(HttpContext http)
    {
        var accepted = AcceptedAt(http).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return accepted.Count == 0
            ? "This operation does not take a body of this Content-Type."
            : $"Send the body as {string.Join(" or ", accepted)} (Content-Type).";
    }

    private static IEnumerable<string> AcceptedAt(HttpContext http)
    {
        var method = http.Request.Method;
        foreach (var endpoint in http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is not { ContentTypes.Count: > 0 } accepts) continue;
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is { } methods
                && !methods.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase)) continue;
            // Paths only (constraints are not checked): rare, and naming one type too many beats naming none.
            var matcher = new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern),
                new RouteValueDictionary(endpoint.RoutePattern.Defaults));
            if (!matcher.TryMatch(http.Request.Path, new RouteValueDictionary())) continue;
            foreach (var type in accepts.ContentTypes) yield return type;
        }
    }
}
