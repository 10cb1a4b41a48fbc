using NotificationService.Queue;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>Failover, throttling, retries and circuit breakers through loopback SendGrid doubles.</summary>
[Collection("service")]
public class FailoverTests(ServiceFixture service)
{
    private static string[] Details(System.Text.Json.Nodes.JsonNode status) =>
        status["history"]!.AsArray().Select(h => h!["detail"]?.GetValue<string>() ?? "").ToArray();

    [Fact]
    public async Task A_config_answering_401_fails_over_to_the_next_and_history_names_both()
    {
        var tenant = await service.BareTenantAsync();
        await using var broken = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridError(401));
        await using var backup = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        var primaryId = await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(broken.BaseUrl, "Primary", priority: 1));
        var backupId = await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(backup.BaseUrl, "Backup", priority: 2));

        var id = await tenant.Http.SendOkAsync(Api.Email());
        var sent = await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal(backupId, await service.ScalarAsync<Guid>("select provider_id from notifications where id = $1", id));
        Assert.Equal(1, sent["attempts"]!.GetValue<int>());
        var detail = Details(sent).Single(d => d.StartsWith("via "));
        Assert.Contains($"'Backup' ({backupId})", detail);
        Assert.Contains($"'Primary' ({primaryId}): provider failure 401", detail);
        Assert.Single(broken.Requests);
    }

    [Fact]
    public async Task A_429_with_Retry_After_postpones_without_consuming_an_attempt()
    {
        var tenant = await service.BareTenantAsync();
        await using var fake = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridError(429, retryAfterSeconds: 1));
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(fake.BaseUrl, "Throttling"));

        var id = await tenant.Http.SendOkAsync(Api.Email());
        // Both 429s were acknowledged as throttled, and both tries ran as the job's first attempt: none was used up.
        var throttled = await service.Queue.WaitForAsync(tenant.Id, r => r is JobResult.Throttled, "a 429 acknowledged as throttled", count: 2,
            timeout: TimeSpan.FromSeconds(10));
        Assert.All(throttled, t => Assert.Equal(1, t.Job.Attempt));
        var hits = fake.Requests.ToArray();
        Assert.True(hits[1].At - hits[0].At >= TimeSpan.FromSeconds(0.9), "Retry-After was honoured");

        fake.Behaviour = LoopbackProvider.SendGridAccepts;
        var sent = await tenant.Http.WaitForStatusAsync(id, "sent", 10_000);
        Assert.Contains(Details(sent), d => d.StartsWith("throttled, retry in 1 s"));
    }

    [Fact]
    public async Task A_5xx_is_retried_with_backoff_until_the_provider_answers()
    {
        var tenant = await service.BareTenantAsync();
        var n = 0;
        var ok = LoopbackProvider.SendGridAccepts;
        var down = LoopbackProvider.SendGridError(503);
        await using var fake = await LoopbackProvider.StartAsync((hit, ctx) => Interlocked.Increment(ref n) <= 2 ? down(hit, ctx) : ok(hit, ctx));
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(fake.BaseUrl, "Flaky"));

        var id = await tenant.Http.SendOkAsync(Api.Email());
        var sent = await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal(3, sent["attempts"]!.GetValue<int>());
        Assert.Equal(2, Details(sent).Count(d => d.StartsWith("attempt") && d.Contains("will retry: 503")));
    }

    [Fact]
    public async Task After_consecutive_failures_the_circuit_opens_jobs_wait_then_a_probe_closes_it()
    {
        var tenant = await service.BareTenantAsync();
        await using var fake = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridError(503));
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(fake.BaseUrl, "Down", extraSettings: new { circuitBreakerThreshold = 2, circuitBreakerOpenSeconds = 3 }));

        var id = await tenant.Http.SendOkAsync(Api.Email());
        // Two 503s open the circuit; the job's next try finds it open and is postponed without reaching the provider,
        // giving back the attempt it was claimed with (its third).
        var open = (await service.Queue.WaitForAsync(tenant.Id, r => r is JobResult.Throttled { Error: var e } && e.Contains("circuit open"),
            "a try postponed by the open circuit", timeout: TimeSpan.FromSeconds(10)))[0];
        Assert.Equal(3, open.Job.Attempt);
        Assert.Equal(2, fake.Requests.Count);
        Assert.Equal("sending", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());

        fake.Behaviour = LoopbackProvider.SendGridAccepts; // the provider recovers; after the cool-down one probe goes through
        var sent = await tenant.Http.WaitForStatusAsync(id, "sent", 10_000);
        Assert.Equal(3, fake.Requests.Count);
        Assert.Equal(3, sent["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_open_circuit_moves_traffic_to_the_next_config()
    {
        var tenant = await service.BareTenantAsync();
        await using var down = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridError(503));
        await using var backup = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(down.BaseUrl, "Down", 1, new { circuitBreakerThreshold = 1, circuitBreakerOpenSeconds = 60 }));
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(backup.BaseUrl, "Backup", 2));

        var first = await tenant.Http.SendOkAsync(Api.Email());
        var sent = await tenant.Http.WaitForStatusAsync(first, "sent"); // 503 (transient, retried); circuit opens; retry skips to Backup
        Assert.Contains(Details(sent), d => d.Contains("'Down'") && d.Contains("circuit open"));
        var second = await tenant.Http.SendOkAsync(Api.Email());
        await tenant.Http.WaitForStatusAsync(second, "sent");
        Assert.Single(down.Requests);
        Assert.Equal(2, backup.Requests.Count);
    }
}
