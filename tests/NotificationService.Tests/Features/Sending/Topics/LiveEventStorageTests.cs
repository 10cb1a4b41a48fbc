using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Topics;

/// <summary>
/// A tenant's live events may keep at most `Topics:MaxLiveEventBytes` in the event tables over the replay window,
/// counted as stored: the data once per user named, once per topic named (not per member). Past it an event is a 429
/// naming the cap, one that alone exceeds it a 413, and neither stores anything. On an API host of its own whose cap is
/// 10,000 bytes, beside the fixture on the same database.
/// </summary>
[Collection("service")]
public class LiveEventStorageTests(ServiceFixture service) : IAsyncLifetime
{
    private const int Cap = 10_000;
    private WebApplicationFactory<Program> _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiReplica.Start(service, ("Topics:MaxLiveEventBytes", Cap.ToString()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(TestTenant Tenant, HttpClient Http)> TenantAsync()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var http = _host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        return (tenant, http);
    }

    /// <summary>An event whose data is <paramref name="bytes"/> bytes of JSON: {"s":"xxx…"}.</summary>
    private static object ToUsers(string prefix, int users, int bytes) =>
        new { to = new { userIds = Enumerable.Range(0, users).Select(i => $"{prefix}{i}").ToArray() }, type = "note", data = new { s = new string('x', bytes - 8) } };

    private Task<long> StoredAsync(TestTenant tenant) => service.ScalarAsync<long>(
        "select (select count(*) from inbox_events where tenant_id = $1) + (select count(*) from topic_events where tenant_id = $1)", tenant.Id);

    [Fact]
    public async Task Events_past_the_tenants_live_event_storage_are_a_429_naming_it_and_a_topic_event_counts_once_per_topic()
    {
        var (tenant, http) = await TenantAsync();
        await tenant.Http.TopicWithAsync("crowd", Enumerable.Range(0, 30).Select(i => $"m{i}").ToArray());

        Assert.Equal(HttpStatusCode.Accepted, (await http.PublishAsync(ToUsers("a", 4, 1000))).StatusCode);   // 4,000 bytes
        Assert.Equal(HttpStatusCode.Accepted, (await http.PublishAsync(ToUsers("b", 4, 1000))).StatusCode);   // 8,000
        // 30 members × 1,000 bytes would be three times the cap: stored once, it is 1,000 more.
        var toTopic = new { to = new { topics = new[] { "crowd" } }, type = "note", data = new { s = new string('x', 992) } };
        Assert.Equal(HttpStatusCode.Accepted, (await http.PublishAsync(toTopic)).StatusCode);                 // 9,000

        var refused = await http.PublishAsync(ToUsers("c", 2, 1000));                                         // would be 11,000
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Contains("live-event storage (Topics:MaxLiveEventBytes, 10,000 bytes", (await refused.JsonAsync())["detail"]!.GetValue<string>());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(9, await StoredAsync(tenant));

        // What is left still takes a smaller event; another tenant's storage is its own.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PublishAsync(ToUsers("d", 1, 900))).StatusCode);
        var (other, otherHttp) = await TenantAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await otherHttp.PublishAsync(ToUsers("a", 9, 1000))).StatusCode);
        Assert.Equal(9, await StoredAsync(other));
    }

    [Fact]
    public async Task An_event_that_alone_stores_more_than_the_cap_is_a_413_and_stores_nothing()
    {
        var (tenant, http) = await TenantAsync();
        var refused = await http.PublishAsync(ToUsers("a", 4, 3000));   // 12,000 bytes: never fits
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("Topics:MaxLiveEventBytes", (await refused.JsonAsync())["detail"]!.GetValue<string>());
        Assert.Equal(0, await StoredAsync(tenant));
    }
}
