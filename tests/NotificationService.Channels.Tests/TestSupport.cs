using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Channels.Outbound;

namespace NotificationService.Channels.Tests;

public static class TestSupport
{
    public static readonly Guid TenantId = Guid.Parse("11111111-1111-1111-1111-111111111111");
    public static readonly Guid ConfigId = Guid.Parse("22222222-2222-2222-2222-222222222222");
    public static readonly Guid NotificationId = Guid.Parse("33333333-3333-3333-3333-333333333333");

    /// <summary>The adapters as the service registers them, with a short HTTP timeout so slow-response tests stay fast.</summary>
    public static ServiceProvider Services(TimeSpan? httpTimeout = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new OutboundGuard(["127.0.0.0/8", "::1"])); // the loopback doubles, as an operator's allow-list
        services.AddProviderAdapters();
        foreach (var name in new[] { "sendgrid", "twilio", "meta", "fcm" })
            services.AddHttpClient(name).ConfigureHttpClient(c => c.Timeout = httpTimeout ?? TimeSpan.FromSeconds(10));
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static IProviderAdapter Adapter(this ServiceProvider sp, string kind) =>
        sp.GetServices<IProviderAdapter>().Single(a => a.Kind == kind);

    public static ProviderConfig Config(string kind, string channel, object settings, Dictionary<string, string> secrets) =>
        new(ConfigId, TenantId, channel, kind, kind + " test", 1,
            (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(settings))!, secrets);

    public static OutgoingMessage Message(string channel, Recipient recipient, RenderedContent content,
        IReadOnlyDictionary<string, string>? metadata = null, string? category = null, string? callbackBaseUrl = null) =>
        new(NotificationId, TenantId, channel, recipient, content, metadata, category, callbackBaseUrl);

    /// <summary>
    /// Cancels a send while the loopback double holds its request (it has arrived: a signal, not a clock) and expects the
    /// cancellation to come back as such, not classified as a provider outcome.
    /// </summary>
    public static async Task AssertCancelledWhileTheRequestIsHeld(this ServiceProvider sp, string kind, OutgoingMessage message, Func<string, ProviderConfig> config)
    {
        var arrived = new TaskCompletionSource();
        await using var fake = await LoopbackServer.StartAsync(async (_, ctx) => { arrived.TrySetResult(); await Task.Delay(Timeout.Infinite, ctx.RequestAborted); });
        using var cts = new CancellationTokenSource();
        var send = sp.Adapter(kind).SendAsync(message, config(fake.BaseUrl), cts.Token);
        await arrived.Task;
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }
}
