using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// A stop (SIGTERM, as an orchestrator sends it) lets the delivery in flight finish and be recorded: the provider answers
/// the call it holds several seconds after the signal, and the service still records the email `sent` and exits 0.
/// The host's shutdown timeout bounds the stop, not the command-line parser's two seconds.
/// </summary>
[StartsFirst(4)]   // a service process of its own: started before the short classes
public class GracefulStopTests
{
    private static readonly TimeSpan ProviderAnswersAfter = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_stop_while_a_provider_call_is_in_flight_records_its_answer_and_exits_0()
    {
        var cs = await TestDatabase.CreateAsync("graceful_stop");
        await using var db = NpgsqlDataSource.Create(cs);
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var provider = await LoopbackProvider.StartAsync(async (request, ctx) =>
        {
            called.TrySetResult();
            await Task.Delay(ProviderAnswersAfter);
            await LoopbackProvider.SendGridAccepts(request, ctx);
        });
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = cs,
            ["Seed__OnStart"] = "true",
            ["Seed__DemoApiKey"] = ServiceFixture.DemoApiKey,
            ["Outbound__AllowedTargets"] = "127.0.0.1",
            ["Logging__LogLevel__Default"] = "Warning",
        }, "serve");
        await service.WaitReadyAsync(TimeSpan.FromSeconds(90));

        using var http = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceFixture.DemoApiKey);
        await ProviderApi.CreateAsync(http, ProviderApi.SendGrid(provider.BaseUrl, "Slow SendGrid", priority: 1));
        var sent = await http.PostAsJsonAsync("/api/v1/services/notifications/send", new
        {
            channel = "email", recipient = new { email = "ada@example.com" }, content = new { subject = "Hello", body = "Hi Ada" },
        });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        await called.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(1, await DbPolling.ScalarAsync(db, "select count(*) from notifications where channel = 'email' and status = 'sent'"));
    }
}
