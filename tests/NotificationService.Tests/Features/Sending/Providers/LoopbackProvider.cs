using Microsoft.AspNetCore.Http;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>Provider doubles for the service's specs: a <see cref="LoopbackServer"/> answering in a provider's wire format.</summary>
public static class LoopbackProvider
{
    public static Task<LoopbackServer> StartAsync(Func<RecordedRequest, HttpContext, Task> behaviour) => LoopbackServer.StartAsync(behaviour);

    /// <summary>SendGrid's answers: 202 with X-Message-Id, or an error envelope with a status (and Retry-After).</summary>
    public static Func<RecordedRequest, HttpContext, Task> SendGridAccepts => (_, ctx) =>
    {
        ctx.Response.StatusCode = 202;
        ctx.Response.Headers["X-Message-Id"] = "sg-" + Guid.NewGuid().ToString("N")[..12];
        return Task.CompletedTask;
    };

    public static Func<RecordedRequest, HttpContext, Task> SendGridError(int status, double? retryAfterSeconds = null) => async (_, ctx) =>
    {
        ctx.Response.StatusCode = status;
        if (retryAfterSeconds is { } s) ctx.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync("""{"errors":[{"message":"simulated","field":null,"help":null}]}""");
    };
}
