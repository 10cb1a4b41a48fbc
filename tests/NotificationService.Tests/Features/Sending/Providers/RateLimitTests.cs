using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>
/// settings.rateLimitPerSecond, measured at a loopback SendGrid over several seconds. The precise 30 s,
/// two-process figure comes from bench/RateLimitBench; this test keeps a loose bound so a busy CI box passes.
/// </summary>
[Collection("service")]
public class RateLimitTests(ServiceFixture service)
{
    [Fact]
    public async Task A_limit_of_50_per_second_holds_and_over_limit_messages_wait_without_using_attempts()
    {
        var tenant = await service.BareTenantAsync();
        await using var fake = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(fake.BaseUrl, "Limited", extraSettings: new { rateLimitPerSecond = 50 }));

        const int total = 400;
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (_, _) => ids.Add(await tenant.Http.SendOkAsync(Api.Email())));
        // Every notification sent and every job acknowledged: nothing is left that could reach the provider again.
        foreach (var id in ids) await service.Ledger.WaitForAsync(id, "sent", timeout: TimeSpan.FromSeconds(30));
        await DbPolling.WaitUntilAsync(service.Db, $"select count(*) from jobs where tenant_id = '{tenant.Id}'", n => n == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(total, fake.Requests.Count); // each exactly once

        // Slots are reserved per second of the database clock before the send, and a message reserved late in
        // second S can arrive in S+1: the guarantee is at most (N+1) x limit over any N consecutive seconds,
        // and the limit on average. (bench/RateLimitBench measures the 30 s, two-process figure precisely.)
        var perSecond = fake.Requests.GroupBy(h => h.At.ToUnixTimeSeconds()).OrderBy(g => g.Key).Select(g => g.Count()).ToArray();
        var whole = perSecond[1..^1];
        Assert.True(whole.Length >= 3, $"expected several whole seconds: {string.Join(",", perSecond)}");
        for (var n = 1; n <= whole.Length; n++)
            for (var start = 0; start + n <= whole.Length; start++)
                Assert.True(whole[start..(start + n)].Sum() <= (n + 1) * 50, $"{n} s from {start}: per second {string.Join(",", perSecond)}");
        // The steady state runs at the limit: not starved (≥ 40 a second on average), and not above the guarantee
        // (N+1)·limit/N on average. A fixed 52.5 ceiling failed on a loaded host where what was reserved late in the
        // second whole second arrived in the third (seen: 8, 40, 66, 50, 50, …: 66 is 50 plus 16 late, within the bound).
        var steady = perSecond[2..^1];
        Assert.True(steady.Length >= 3 && steady.Average() >= 40 && steady.Average() <= 50.0 * (steady.Length + 1) / steady.Length,
            $"steady seconds: per second {string.Join(",", perSecond)}");

        // Postponed jobs never used an attempt: every notification went out on its first.
        Assert.Equal(total, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1 and status = 'sent' and attempts = 1", tenant.Id));
    }

    [Fact]
    public async Task A_config_without_a_limit_sends_without_reserving_rate_limit_slots()
    {
        // The limiter is a PostgreSQL statement per batch; a config with no rateLimitPerSecond must not pay it.
        // Every reservation upserts a provider_rate_windows row, so no row for the config means no statement.
        var tenant = await service.BareTenantAsync();
        await using var fake = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        var providerId = await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(fake.BaseUrl, "Unlimited"));

        const int total = 20;
        for (var i = 0; i < total; i++) await tenant.Http.SendOkAsync(Api.Email());
        await Eventually.Async(() => fake.Requests.Count >= total, $"{total} messages at the provider", TimeSpan.FromSeconds(30));

        Assert.Equal(total, fake.Requests.Count);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from provider_rate_windows where provider_id = $1", providerId));
    }
}
