using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace NotificationService.Infrastructure;

/// <summary>Domain errors. Endpoints throw these; <see cref="ApiErrors"/> turns them into RFC 9457 ProblemDetails.</summary>
public abstract class ApiException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;

    /// <summary>Headers the answer carries (written after the error handler cleared the response), e.g. Retry-After.</summary>
    public virtual void WriteHeaders(HttpResponse response) { }

    /// <summary>Members the answer carries beside title and detail, for a client to act on (e.g. the variables a publish lacks).</summary>
    public virtual void Extend(ProblemDetails problem) { }
}

/// <summary>400/413/415/422 naming every bad field: `errors` maps a JSON path (e.g. `recipient.email`) to messages.</summary>
public sealed class RequestValidationException(IDictionary<string, string[]> errors, int status = 400, string? detail = null)
    : ApiException(status, status switch { 422 => "The request cannot be processed", 409 => "Conflict", _ => "The request is invalid" },
        detail ?? "One or more fields are invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public static RequestValidationException For(string field, string message, int status = 400) =>
        new(new Dictionary<string, string[]> { [field] = [message] }, status, message);
}

/// <summary>404. Given a field, `errors` names it too: a version the body asks for that is not there is the body's `version`,
/// not the object in the path.</summary>
public sealed class NotFoundException(string what, string? field = null) : ApiException(404, "Not found", $"{what} was not found.")
{
    public override void Extend(ProblemDetails problem)
    {
        if (field is not null) problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [Message] };
    }
}
public sealed class ConflictException(string detail) : ApiException(409, "Conflict", detail);
public sealed class UnprocessableException(string detail) : ApiException(422, "The request cannot be processed", detail);
public sealed class PayloadTooLargeException(string detail) : ApiException(413, "Payload too large", detail);
public sealed class UnsupportedMediaTypeException(string detail) : ApiException(415, "Unsupported media type", detail);
public sealed class TooManyRequestsException(string detail) : ApiException(429, "Too many requests", detail);

/// <summary>
/// PostgreSQL cannot be reached (down, restarting, failing over, pool exhausted): the request did nothing that committed,
/// so the answer is 503 with Retry-After and the client sends it again. Detected on any exception whose chain holds a
/// connection-level Npgsql error, so EF Core's and the batchers' wrappers are seen through.
/// </summary>
public static class DatabaseOutage
{
    public const int RetryAfterSeconds = 5;

    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException pg)
                // 08: connection exceptions; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections
                return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300";
            if (e is Npgsql.NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException
                    or EndOfStreamException }
                || e is Npgsql.NpgsqlException { IsTransient: true })
                return true;
        }
        return false;
    }
}

public static class ApiErrors
{
    public static IServiceCollection AddApiErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier);
        // Registered after the framework's writer, so it is asked last: an error is problem+json whatever Accept says.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWhateverAccept>();
        return services;
    }

    public static void UseApiErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteProblemAsync,
            StatusCodeSelector = StatusFor,
            // Client errors are answers, not incidents: keep them out of the error log. An outage is reported by
            // /health/ready and by one warning line per request (below), not a stack trace each.
            SuppressDiagnosticsCallback = c => c.Exception is ApiException or BadHttpRequestException || DatabaseOutage.Is(c.Exception),
        });
        // Bare 400/401/403/404/405/415 get a ProblemDetails body too: a 400 of a parameter that did not bind names it, and
        // routing's 415 says what the operation takes.
        app.UseStatusCodePages(async c =>
        {
            var http = c.HttpContext;
            var problem = http.Response.StatusCode switch
            {
                StatusCodes.Status400BadRequest when ParameterBinding.Problem(http) is { } unbound => ProblemOf(unbound),
                StatusCodes.Status415UnsupportedMediaType =>
                    new ProblemDetails { Status = 415, Detail = UnsupportedContentType.Detail(http) },
                var status => new ProblemDetails { Status = status },
            };
            await http.RequestServices.GetRequiredService<IProblemDetailsService>()
                .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
        });
    }

    private static ValidationProblemDetails ProblemOf(RequestValidationException v) =>
        new(v.Errors) { Status = v.Status, Title = v.Title, Detail = v.Message };

    private static int StatusFor(Exception e) => e switch
    {
        ApiException a => a.Status,
        BadHttpRequestException b => b.StatusCode,
        _ when DatabaseOutage.Is(e) => 503,
        _ => 500,
    };

    private static async Task WriteProblemAsync(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        // Development's framework throws where Production's answers a bare 400: a parameter that did not bind is named alike.
        if (error is BadHttpRequestException { StatusCode: 400 } && ParameterBinding.Problem(http) is { } unbound) error = unbound;
        var problem = error switch
        {
            RequestValidationException v => ProblemOf(v),
            ApiException a => new ProblemDetails { Status = a.Status, Title = a.Title, Detail = a.Message },
            BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Bad request", Detail = b.Message },
            _ when DatabaseOutage.Is(error) => new ProblemDetails
            {
                Status = 503, Title = "Service unavailable",
                Detail = $"The database is unavailable; nothing was done. Retry after {DatabaseOutage.RetryAfterSeconds} seconds.",
            },
            _ => new ProblemDetails { Status = 500, Title = "An unexpected error occurred" },
        };
        http.Response.StatusCode = problem.Status ?? 500;
        (error as ApiException)?.WriteHeaders(http.Response);
        (error as ApiException)?.Extend(problem);
        if (problem.Status == 503)
        {
            http.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString();
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("NotificationService.DatabaseOutage")
                .LogWarning("{Method} {Path}: 503, database unavailable ({Error})", http.Request.Method, PathForLogs.Of(http),
                    error!.GetBaseException().Message);
        }
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = error });
    }
}
