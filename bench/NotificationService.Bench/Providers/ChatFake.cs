using Microsoft.AspNetCore.Http;

namespace NotificationService.Bench.Providers;

/// <summary>
/// The chat platforms on loopback, one fake per kind (the service reaches it through the operator's
/// <c>Providers:ChatDoubles:&lt;kind&gt;</c>, which keeps the request's path): Slack's <c>chat.postMessage</c> (form post,
/// Bearer token → 200 <c>{"ok":true,"channel","ts"}</c>), a Slack incoming webhook (200 <c>ok</c>), a Discord webhook
/// executed with <c>?wait=true</c> (200 with the message) and a Teams Workflows trigger (202). Anything else is a 404.
/// </summary>
public static class ChatFake
{
    private static long _ids = 1_180_000_000_000_000_000;

    public static Task<LoopbackFake> StartAsync(string kind) => LoopbackFake.StartAsync(kind, HandleAsync);

    private static async Task<bool> HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        if (ctx.Request.Method != "POST") return Status(ctx, 405);
        var id = Interlocked.Increment(ref _ids);
        if (path == "/chat.postMessage")
        {
            if (!ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal) || !ctx.Request.HasFormContentType)
                return Status(ctx, 400);
            var channel = (await ctx.Request.ReadFormAsync(ctx.RequestAborted))["channel"].ToString();
            await ctx.Response.WriteAsJsonAsync(new { ok = true, channel, ts = $"1700000000.{id % 1_000_000:D6}" });
            return channel.Length > 0;
        }
        await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
        if (path.StartsWith("/services/", StringComparison.Ordinal)) { await ctx.Response.WriteAsync("ok"); return true; }
        if (path.StartsWith("/webhooks/", StringComparison.Ordinal)) { await ctx.Response.WriteAsJsonAsync(new { id = id.ToString(), type = 0 }); return true; }
        if (path.StartsWith("/workflows/", StringComparison.Ordinal)) return Status(ctx, 202, accepted: true);
        return Status(ctx, 404);
    }

    private static bool Status(HttpContext ctx, int status, bool accepted = false)
    {
        ctx.Response.StatusCode = status;
        return accepted;
    }
}
