using Microsoft.AspNetCore.Diagnostics;

namespace NotificationService.Infrastructure;

/// <summary>
/// Marks routes whose path carries a secret (a signed link's token): logs and traces name such a request by its route
/// template, never by its path.
/// </summary>
public sealed class SecretInPath;

public static class PathForLogs
{
    public static TBuilder WithSecretInPath<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SecretInPath());

    /// <summary>
    /// The request's path, or its route template when the path carries a secret. The endpoint is the one routing chose:
    /// the exception handler clears it from the context before an error answer is written, so its feature is asked too.
    /// </summary>
    public static string? Of(HttpContext http, Endpoint? endpoint = null)
    {
        endpoint ??= http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return endpoint?.Metadata.GetMetadata<SecretInPath>() is null
            ? http.Request.Path.Value
            : (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "[redacted]";
    }
}
