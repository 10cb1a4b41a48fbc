using Microsoft.AspNetCore.Http;

namespace NotificationService.Infrastructure;

/// <summary>
/// The last problem-details writer asked: it always can. The framework's writer only answers a request whose `Accept`
/// admits JSON, and when no writer can, `IProblemDetailsService.WriteAsync` throws, so every 4xx turned into an empty 500
/// for `Accept: text/plain`, `text/html` or `text/event-stream` (what EventSource sends). An error answer is
/// `application/problem+json` whatever the request accepts (RFC 9110 §12.1 lets a server disregard `Accept` rather than
/// answer 406), written by the framework's own writer so the body is byte for byte what a JSON client gets.
/// </summary>
internal sealed class ProblemJsonWhateverAccept(IServiceProvider services) : IProblemDetailsWriter
{
    private IProblemDetailsWriter? _framework;

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context) =>
        // The framework's writer does not look at Accept when it writes; only its CanWrite does.
        (_framework ??= services.GetServices<IProblemDetailsWriter>().First(w => w.GetType().Name == "DefaultProblemDetailsWriter"))
            .WriteAsync(context);
}
