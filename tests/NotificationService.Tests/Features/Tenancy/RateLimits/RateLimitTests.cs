using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.RateLimits;

[Collection("service")]
public class RateLimitTests(ServiceFixture service)
{
    private const string Limits = "/api/v1/admin/rate-limits";
    private static readonly object InApp = new { channel = "in_app", recipient = new { userId = "u1" }, content = new { subject = "Hi", body = "Hello" } };

    [Fact]
    public async Task A_tenant_past_its_send_limit_gets_429_with_Retry_After_and_RateLimit_fields_while_another_tenant_is_served()
    {
        var flooding = await service.NewTenantAsync(sandboxSettingsJson: null);
        var other = await service.NewTenantAsync(sandboxSettingsJson: null);
        // One token per ten seconds: the four sends below come within that on any machine (at one per second, three
        // slow sends on a loaded host had earned the fourth its token before it was made).
        (await flooding.Http.PutAsJsonAsync($"{Limits}/send", new { perSecond = 0.1, burst = 3 })).EnsureSuccessStatusCode();

        for (var i = 0; i < 3; i++)
        {
            var ok = await flooding.Http.PostJsonAsync(Api.Send, InApp);
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
            Assert.Equal("\"send\";q=3;w=30", ok.Headers.GetValues("RateLimit-Policy").Single());
            Assert.StartsWith("\"send\";r=", ok.Headers.GetValues("RateLimit").Single());
        }
        var refused = await flooding.Http.PostJsonAsync(Api.Send, InApp);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 10);
        Assert.Equal("\"send\";q=3;w=30", refused.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Matches("^\"send\";r=0;t=([1-9]|10)$", refused.Headers.GetValues("RateLimit").Single());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Equal(429, (await refused.JsonAsync())["status"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.Accepted, (await other.Http.PostJsonAsync(Api.Send, InApp)).StatusCode); // its own bucket

        // The bucket refills at one token per ten seconds: after the Retry-After the tenant is served again.
        await Eventually.Async(async () => (await flooding.Http.PostJsonAsync(Api.Send, InApp)).StatusCode, s => s == HttpStatusCode.Accepted,
            "a send accepted once the bucket refilled", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Batches_are_charged_per_recipient()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        (await tenant.Http.PutAsJsonAsync($"{Limits}/batch", new { perSecond = 0.1, burst = 10 })).EnsureSuccessStatusCode();
        object Batch(int n) => new { channel = "in_app", content = new { subject = "Hi", body = "Hello" },
            recipients = Enumerable.Range(0, n).Select(i => new { userId = $"u{i}" }).ToArray() };

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", Batch(8))).StatusCode);
        var refused = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", Batch(8));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.StartsWith("\"batch\";q=10", refused.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1 and batch_id is not null and created_at > now() - interval '1 minute'", tenant.Id) - 8);
    }

    [Fact]
    public async Task The_admin_API_lists_effective_limits_tightens_within_the_defaults_and_resets()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var list = (await tenant.Http.GetFromJsonAsync<JsonArray>(Limits))!;
        Assert.Equal(["admin", "batch", "end_user", "send"], list.Select(l => l!["endpointClass"]!.GetValue<string>()).Order());
        Assert.All(list, l => Assert.Equal("default", l!["source"]!.GetValue<string>()));

        var tooHigh = await tenant.Http.PutAsJsonAsync($"{Limits}/send", new { perSecond = 1_000_000, burst = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, tooHigh.StatusCode);
        Assert.NotNull((await tooHigh.JsonAsync())["errors"]!["perSecond"]);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.PutAsJsonAsync($"{Limits}/everything", new { perSecond = 1, burst = 1 })).StatusCode);

        (await tenant.Http.PutAsJsonAsync($"{Limits}/admin", new { perSecond = 5, burst = 10 })).EnsureSuccessStatusCode();
        var admin = (await tenant.Http.GetFromJsonAsync<JsonArray>(Limits))!.Single(l => l!["endpointClass"]!.GetValue<string>() == "admin")!;
        Assert.Equal(("tenant", 5.0, 10.0), (admin["source"]!.GetValue<string>(), admin["perSecond"]!.GetValue<double>(), admin["burst"]!.GetValue<double>()));

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"{Limits}/admin")).StatusCode);
        Assert.All((await tenant.Http.GetFromJsonAsync<JsonArray>(Limits))!, l => Assert.Equal("default", l!["source"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Two_replicas_taking_from_one_bucket_together_never_exceed_burst_plus_rate_times_time()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimits:send:PerSecond"] = "50", ["RateLimits:send:Burst"] = "20",
        }).Build();
        TenantRateLimiter Replica() => new(new SharedBuckets(service.Db), new TenantLimits(service.Db, config, TimeProvider.System), TestMeters.Create(), TimeProvider.System);
        var replicas = new[] { Replica(), Replica() };

        // Eight takers on two replicas go on until the bucket has let through the burst and two seconds of its rate,
        // however long that takes on this machine (a fixed two-second window made "most of it used" a matter of speed).
        const int Target = 20 + 50 * 2;
        var admitted = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(replicas.SelectMany(r => Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Volatile.Read(ref admitted) < Target && watch.Elapsed < TimeSpan.FromSeconds(120))
                if ((await r.TakeAsync(tenant.Id, EndpointClass.Send, 1, default)).Allowed) Interlocked.Increment(ref admitted);
                else await Task.Delay(5);
        })));
        var elapsed = watch.Elapsed.TotalSeconds;
        Assert.True(admitted >= Target, $"the bucket let only {admitted} through in {elapsed:0.0} s");
        Assert.True(admitted <= 20 + 50 * elapsed, $"{admitted} admitted in {elapsed:0.00} s: more than burst + rate × t");   // never more
    }
}
