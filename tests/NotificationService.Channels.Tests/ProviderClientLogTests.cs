using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotificationService.Channels.Chat;
using NotificationService.Channels.Tests.Chat;

namespace NotificationService.Channels.Tests;

public sealed class ProviderClientLogTests
{
    [Fact]
    public async Task A_webhooks_token_in_its_url_never_reaches_the_logs_at_the_services_default_level()
    {
        // A Discord (or Slack) webhook URL is its credential; the HttpClient factory's request logs would print its path.
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"id":"1180000000000000001"}"""));
        var lines = new ConcurrentQueue<string>();
        using var sp = TestSupport.Services(configure: s =>
        {
            s.AddSingleton(new ChatDoubles(new Dictionary<string, string> { [ProviderKinds.DiscordWebhook] = fake.BaseUrl }));
            s.AddLogging(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new RecordingLogs(lines)));
        });
        var hook = new ChatDestination(Discord: new WebhookDestination(ChatTestSupport.DiscordHook));
        var config = ChatTestSupport.Config(ProviderKinds.DiscordWebhook);
        var result = await sp.Send(ProviderKinds.DiscordWebhook, ChatTestSupport.Message(hook), config);

        Assert.IsType<DeliveryResult.Sent>(result);
        Assert.Single(fake.Requests);
        Assert.DoesNotContain(lines, line => line.Contains("tok_en-abc"));
    }

    private sealed class RecordingLogs(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? error, Func<TState, Exception?, string> format) =>
            lines.Enqueue(format(state, error));
    }
}
