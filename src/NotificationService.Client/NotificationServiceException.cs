using System.Net;

namespace NotificationService.Client;

/// <summary>
/// The service refused a call: its RFC 9457 problem (status, type, title, detail, the errors by field and the trace id
/// to quote to the service's operators). Thrown by every client method for any answer outside 2xx, once retries (for
/// 408, 429 and 503) are spent.
/// </summary>
public class NotificationServiceException : Exception
{
    /// <summary>A problem from the service's answer.</summary>
    public NotificationServiceException(int status, string? type, string? title, string? detail,
        IReadOnlyDictionary<string, string[]>? errors, string? traceId)
        : base(Describe(status, title, detail, errors))
    {
        Status = status;
        Type = type;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
        TraceId = traceId;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }
    /// <summary>The same, typed.</summary>
    public HttpStatusCode StatusCode => (HttpStatusCode)Status;
    /// <summary>The problem type URI, when the service gave one.</summary>
    public string? Type { get; }
    /// <summary>A short summary of the problem.</summary>
    public string? Title { get; }
    /// <summary>What went wrong with this call.</summary>
    public string? Detail { get; }
    /// <summary>The bad fields, keyed by JSON path (<c>recipient.email</c>, <c>recipients[3]</c>), each with its messages.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }
    /// <summary>The service's trace id for this call.</summary>
    public string? TraceId { get; }

    private static string Describe(int status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        var text = $"{status} {title ?? "error"}" + (detail is null ? "" : $": {detail}");
        if (errors is { Count: > 0 }) text += " (" + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) + ")";
        return text;
    }
}
