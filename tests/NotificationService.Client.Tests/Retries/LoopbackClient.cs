using Microsoft.Extensions.DependencyInjection;

namespace NotificationService.Client.Tests.Retries;

/// <summary>The client as an app registers it, pointed at a loopback double, with short waits so specs stay fast.</summary>
public sealed class LoopbackClient : IDisposable
{
    private readonly ServiceProvider _services;
    public NotificationServiceClient Client { get; }

    public LoopbackClient(LoopbackServer server, Action<NotificationServiceClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddNotificationServiceClient(o =>
        {
            o.BaseAddress = new Uri(server.BaseUrl);
            o.ApiKey = "nsk_test";
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            configure?.Invoke(o);
        });
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<NotificationServiceClient>();
    }

    public void Dispose() => _services.Dispose();

    public static SendRequest Email() => new()
    {
        Channel = "email",
        Recipient = new Recipient { Email = "ada@example.com" },
        Content = new MessageContent { Subject = "Hi", Body = "Hello" },
    };

    public const string Accepted = """{"id":"0193a6a4-0000-7000-8000-000000000001","status":"queued","channel":"email","statusUrl":"/api/v1/services/notifications/0193a6a4-0000-7000-8000-000000000001"}""";
}
