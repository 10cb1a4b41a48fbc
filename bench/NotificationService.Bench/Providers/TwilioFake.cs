using System.Text;
using Microsoft.AspNetCore.Http;

namespace NotificationService.Bench.Providers;

/// <summary>
/// Twilio Programmable Messaging on loopback: <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>, form-encoded,
/// Basic auth whose user is the account SID in the path, with <c>To</c>, <c>Body</c> and <c>From</c> or
/// <c>MessagingServiceSid</c> → 201 with the Message resource (<c>sid</c>, <c>status: queued</c>). Failures get
/// Twilio's <c>{"code","message","status"}</c> envelope and are not counted as accepted.
/// </summary>
public static class TwilioFake
{
    public static Task<LoopbackFake> StartAsync() => LoopbackFake.StartAsync("twilio_sms", HandleAsync);

    private static async Task<bool> HandleAsync(HttpContext ctx)
    {
        var segments = ctx.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (ctx.Request.Method != "POST" || segments is not ["2010-04-01", "Accounts", var sid, "Messages.json"])
            return await Error(ctx, 404, 20404, "The requested resource was not found");
        if (!BasicUserMatches(ctx.Request.Headers.Authorization.ToString(), sid))
            return await Error(ctx, 401, 20003, "Authenticate");
        if (!ctx.Request.HasFormContentType)
            return await Error(ctx, 400, 20001, "Content-Type must be application/x-www-form-urlencoded");

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        string to = form["To"].ToString(), body = form["Body"].ToString(), from = form["From"].ToString();
        if (to.Length == 0) return await Error(ctx, 400, 21604, "A 'To' phone number is required.");
        if (from.Length == 0 && form["MessagingServiceSid"].ToString().Length == 0)
            return await Error(ctx, 400, 21603, "A 'From' phone number is required.");
        if (body.Length == 0 && form["ContentSid"].ToString().Length == 0)
            return await Error(ctx, 400, 21602, "Message body is required.");

        ctx.Response.StatusCode = 201;
        await ctx.Response.WriteAsJsonAsync(new
        {
            sid = "SM" + Guid.NewGuid().ToString("N"), account_sid = sid, to, from, body, status = "queued",
            num_segments = "1", direction = "outbound-api", api_version = "2010-04-01",
            date_created = DateTimeOffset.UtcNow.ToString("r"),
        });
        return true;
    }

    /// <summary>Basic credentials whose user is the account SID and whose password is not empty.</summary>
    private static bool BasicUserMatches(string header, string accountSid)
    {
        if (!header.StartsWith("Basic ", StringComparison.Ordinal)) return false;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
            var colon = pair.IndexOf(':');
            return colon > 0 && pair[..colon] == accountSid && colon < pair.Length - 1;
        }
        catch (FormatException) { return false; }
    }

    private static async Task<bool> Error(HttpContext ctx, int status, int code, string message)
    {
        ctx.Response.StatusCode = status;
        await ctx.Response.WriteAsJsonAsync(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status });
        return false;
    }
}
