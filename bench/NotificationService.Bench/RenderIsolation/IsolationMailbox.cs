using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NotificationService.Bench.Providers;

namespace NotificationService.Bench.RenderIsolation;

/// <summary>One email whose body is not the one expected: what the recipient got.</summary>
public sealed record ReceivedBody(string Email, string Subject, string Html);

/// <summary>
/// The SendGrid endpoint the phase's tenants send through (a <see cref="LoopbackFake"/> answering 202 like
/// <see cref="SendGridFake"/>): it reads what a recipient gets, the subject and the html, and checks it against the hash of
/// the body expected for that address, rendered beforehand. Hashes, not bodies, are kept: 100,000 bodies of a few KB
/// would be the bench's largest allocation. The first few bodies that differ are kept whole, to show how.
/// </summary>
public sealed class IsolationMailbox(IReadOnlyDictionary<string, byte[]> expected, LoopbackFake fake) : IAsyncDisposable
{
    private const int KeptDifferences = 3;
    private readonly ConcurrentDictionary<string, bool> _seen = new();
    private readonly ConcurrentQueue<ReceivedBody> _differing = new();
    private long _compared, _differences, _unknown, _repeated;

    public string BaseUrl => fake.BaseUrl;
    public long Compared => Interlocked.Read(ref _compared);
    public long Differences => Interlocked.Read(ref _differences);
    /// <summary>Emails to an address the phase did not send to (e.g. a provider test send).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);
    /// <summary>A second email to the same address (a retried delivery): counted, compared once.</summary>
    public long Repeated => Interlocked.Read(ref _repeated);
    public IReadOnlyList<ReceivedBody> FirstDifferences => [.. _differing];

    public static async Task<IsolationMailbox> StartAsync(IReadOnlyDictionary<string, byte[]> expected)
    {
        IsolationMailbox? self = null;
        var fake = await LoopbackFake.StartAsync("sendgrid", ctx => self!.ReceiveAsync(ctx));
        self = new IsolationMailbox(expected, fake);
        return self;
    }

    /// <summary>The hash both sides are compared by: subject and html, which is what the recipient reads.</summary>
    public static byte[] Hash(string? subject, string? html) => SHA256.HashData(Encoding.UTF8.GetBytes($"{subject}\u0001{html}"));

    private async Task<bool> ReceiveAsync(HttpContext ctx)
    {
        if (ctx.Request.Method != "POST" || ctx.Request.Path != "/v3/mail/send") { ctx.Response.StatusCode = 404; return false; }
        using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        var body = doc.RootElement;
        var email = body.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString() ?? "";
        var subject = body.TryGetProperty("subject", out var s) ? s.GetString() : null;
        var html = body.GetProperty("content").EnumerateArray()
            .FirstOrDefault(c => c.GetProperty("type").GetString() == "text/html") is { ValueKind: JsonValueKind.Object } h ? h.GetProperty("value").GetString() : null;
        ctx.Response.StatusCode = 202;
        ctx.Response.Headers["X-Message-Id"] = Guid.NewGuid().ToString("N")[..22];

        if (!expected.TryGetValue(email, out var want)) { Interlocked.Increment(ref _unknown); return true; }
        if (!_seen.TryAdd(email, true)) { Interlocked.Increment(ref _repeated); return true; }
        Interlocked.Increment(ref _compared);
        if (Hash(subject, html).AsSpan().SequenceEqual(want)) return true;
        if (Interlocked.Increment(ref _differences) <= KeptDifferences) _differing.Enqueue(new ReceivedBody(email, subject ?? "", html ?? ""));
        return true;
    }

    public ValueTask DisposeAsync() => fake.DisposeAsync();
}
