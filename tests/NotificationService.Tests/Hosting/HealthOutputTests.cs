using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>`health` says what it found, not only its exit code: "ready" and where it looked, or "not ready" and why
/// (the status and what the service's readiness answer said).</summary>
public class HealthOutputTests
{
    [Fact]
    public async Task Health_prints_ready_or_not_ready_and_why()
    {
        await using var service = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"status":"Healthy"}"""));
        var ready = await CliTests.HealthAsync(new Dictionary<string, string>(), "--url", service.BaseUrl);
        Assert.Equal(0, ready.Exit);
        Assert.Contains($"ready: {service.BaseUrl}/health/ready answered 200", ready.Output);

        service.Behaviour = LoopbackServer.Respond(503, """{"status":"Unhealthy","database":"unreachable"}""");
        var notReady = await CliTests.HealthAsync(new Dictionary<string, string>(), "--url", service.BaseUrl);
        Assert.Equal(1, notReady.Exit);
        Assert.Contains($"not ready: {service.BaseUrl}/health/ready answered 503", notReady.Output);
        Assert.Contains("\"database\":\"unreachable\"", notReady.Output);
    }
}
