using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NotificationService.Bench.Providers;

/// <summary>
/// SendGrid v3 Mail Send on loopback: <c>POST /v3/mail/send</c> with a Bearer key and a JSON body that has a
/// recipient, a sender, a subject and content → 202, empty body, <c>X-Message-Id</c>. Anything else gets the
/// status and <c>{"errors":[…]}</c> envelope SendGrid would send, and is not counted as accepted.
/// </summary>
public static class SendGridFake
{
    public static Task<LoopbackFake> StartAsync() => LoopbackFake.StartAsync("sendgrid", HandleAsync);

    private static async Task<bool> HandleAsync(HttpContext ctx)
    {
        if (ctx.Request.Method != "POST" || ctx.Request.Path != "/v3/mail/send")
            return await Error(ctx, 404, "not found", null);
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || auth.Length <= "Bearer ".Length)
            return await Error(ctx, 401, "The provided authorization grant is invalid, expired, or revoked", null);
        if (ctx.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            return await Error(ctx, 415, "Content-Type should be application/json.", null);

        JsonDocument doc;
        try { doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted); }
        catch (JsonException) { return await Error(ctx, 400, "Bad Request", null); }
        using (doc)
        {
            if (MissingField(doc.RootElement) is { } field)
                return await Error(ctx, 400, $"The {field} is required.", field);
        }
        ctx.Response.StatusCode = 202;
        ctx.Response.Headers["X-Message-Id"] = Guid.NewGuid().ToString("N")[..22];
        return true;
    }

    /// <summary>The first field SendGrid requires that the body lacks, or null.</summary>
    private static string? MissingField(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return "body";
        if (!body.TryGetProperty("personalizations", out var ps) || ps.ValueKind != JsonValueKind.Array || ps.GetArrayLength() == 0
            || !ps[0].TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.Array || to.GetArrayLength() == 0
            || !to[0].TryGetProperty("email", out var email) || string.IsNullOrEmpty(email.GetString()))
            return "personalizations.to";
        if (!body.TryGetProperty("from", out var from) || !from.TryGetProperty("email", out var fe) || string.IsNullOrEmpty(fe.GetString()))
            return "from.email";
        if (!body.TryGetProperty("subject", out var subject) || string.IsNullOrEmpty(subject.GetString()))
            return "subject";
        if (!body.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
            return "content";
        return null;
    }

    private static async Task<bool> Error(HttpContext ctx, int status, string message, string? field)
    {
        ctx.Response.StatusCode = status;
        await ctx.Response.WriteAsJsonAsync(new { errors = new[] { new { message, field, help = (string?)null } } });
        return false;
    }
}
