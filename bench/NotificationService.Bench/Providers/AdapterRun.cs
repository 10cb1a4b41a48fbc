using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Channels;
using NotificationService.Channels.Outbound;

namespace NotificationService.Bench.Providers;

/// <summary>One adapter's sends in this process: rate, and bytes allocated per send (adapter + the in-process HTTP fake).</summary>
public sealed record AdapterSendResult(string Adapter, int Messages, int Concurrency, double PerSec, double AllocatedBytesPerSend, long Failed);

/// <summary>The SMTP figure: the same sends with the connection pool and with one connection per message, in one run.</summary>
public sealed record AdapterResults(IReadOnlyList<AdapterSendResult> Sends, AdapterSendResult? SmtpPooled, AdapterSendResult? SmtpPerMessage,
    string? SmtpSkipped)
{
    public double PoolSpeedUp => SmtpPooled is { } p && SmtpPerMessage is { } o ? p.PerSec / o.PerSec : double.NaN;
}

/// <summary>
/// The provider adapters alone, as the service registers them (<c>AddProviderAdapters</c>), called from this process with
/// a fixed number of concurrent senders: SendGrid and Twilio against the loopback fakes (the bytes each send allocates,
/// which the service-level phase cannot see), and SMTP against a real aiosmtpd with STARTTLS and AUTH, pooled
/// (<c>poolSize</c> = the senders) against one connection per message (<c>poolSize: 0</c>). Only the public adapter
/// contract is used, so the same file measures an older tree's adapters too.
/// </summary>
public static class AdapterRun
{
    public const int Concurrency = 8;

    public static async Task<AdapterResults> MeasureAsync(int messages, int smtpMessages)
    {
        await using var sendGrid = await SendGridFake.StartAsync();
        await using var twilio = await TwilioFake.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new OutboundGuard(["127.0.0.1"]));   // the loopback fakes, allow-listed as an operator would
        services.AddProviderAdapters();
        await using var sp = services.BuildServiceProvider();
        IProviderAdapter Adapter(string kind) => sp.GetServices<IProviderAdapter>().Single(a => a.Kind == kind);

        var sends = new List<AdapterSendResult>
        {
            await MeasureAsync("sendgrid", Adapter("sendgrid"), Config("sendgrid", "email",
                new() { ["baseUrl"] = sendGrid.BaseUrl, ["fromEmail"] = "bench@example.com", ["fromName"] = "Bench" },
                new() { ["apiKey"] = "SG.bench-key" }), Email(), messages),
            await MeasureAsync("twilio_sms", Adapter("twilio_sms"), Config("twilio_sms", "sms",
                new() { ["baseUrl"] = twilio.BaseUrl, ["accountSid"] = BenchTenant.AccountSid, ["from"] = "+14155550100" },
                new() { ["authToken"] = "bench-token" }),
                OutgoingMessageFor("sms", new Recipient(Phone: "+14155550199"), new RenderedContent(Body: "Your code is 123456")), messages),
        };

        using var sink = SmtpSink.TryStart(out var why);
        if (sink is null) return new AdapterResults(sends, null, null, why);
        JsonObject Smtp(int poolSize) => new()
        {
            ["host"] = "127.0.0.1", ["port"] = sink.Port, ["tls"] = "starttls", ["allowInvalidCertificate"] = true,
            ["fromEmail"] = "bench@example.com", ["username"] = SmtpSink.User, ["poolSize"] = poolSize,
        };
        var secrets = new Dictionary<string, string> { ["password"] = SmtpSink.Password };
        var smtp = Adapter("smtp");
        var pooled = await MeasureAsync("smtp, pooled", smtp, Config("smtp", "email", Smtp(Concurrency), secrets), Email(), smtpMessages);
        var perMessage = await MeasureAsync("smtp, one connection per message", smtp, Config("smtp", "email", Smtp(0), secrets), Email(), smtpMessages);
        return new AdapterResults(sends, pooled, perMessage, null);
    }

    private static async Task<AdapterSendResult> MeasureAsync(string label, IProviderAdapter adapter, ProviderConfig config, OutgoingMessage message,
        int messages)
    {
        Progress.Show($"providers: {label}, warming up");
        await SendAllAsync(adapter, config, message, Math.Clamp(messages / 10, Concurrency, 200));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Progress.Show($"providers: {label}, {messages:N0} sends by {Concurrency} senders");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var failed = await SendAllAsync(adapter, config, message, messages);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (failed == messages) throw new InvalidOperationException($"{label}: every send failed");
        return new AdapterSendResult(label, messages, Concurrency, messages / clock.Elapsed.TotalSeconds, allocated / (double)messages, failed);
    }

    /// <summary>Sends <paramref name="messages"/> copies with <see cref="Concurrency"/> senders; returns how many were not Sent.</summary>
    private static async Task<long> SendAllAsync(IProviderAdapter adapter, ProviderConfig config, OutgoingMessage message, int messages)
    {
        long next = 0, failed = 0;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= messages)
                if (await adapter.SendAsync(message, config, CancellationToken.None) is not DeliveryResult.Sent)
                    Interlocked.Increment(ref failed);
        })));
        return failed;
    }

    private static ProviderConfig Config(string kind, string channel, JsonObject settings, Dictionary<string, string> secrets) =>
        new(Guid.NewGuid(), Guid.NewGuid(), channel, kind, kind + " (bench)", 10, settings, secrets);

    private static OutgoingMessage Email() => OutgoingMessageFor("email", new Recipient(Email: "ada@example.com"),
        new RenderedContent(Subject: "Your order has shipped", Body: "Hello Ada, your order 1042 is on its way.",
            Html: "<p>Hello Ada, your order <b>1042</b> is on its way.</p>"));

    private static OutgoingMessage OutgoingMessageFor(string channel, Recipient recipient, RenderedContent content) =>
        new(Guid.NewGuid(), Guid.NewGuid(), channel, recipient, content, UnsubscribeUrl: "https://example.com/u/bench");
}
