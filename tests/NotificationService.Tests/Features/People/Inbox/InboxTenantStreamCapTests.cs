using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>
/// A tenant's users together hold at most `Inbox:MaxStreamsPerTenant` live streams on a replica, however few each holds:
/// the next is a 429 ProblemDetails naming that cap, another tenant is not affected, and a closed stream frees its place.
/// On an API host of its own whose cap is 3, beside the fixture on the same database.
/// </summary>
[Collection("service")]
public class InboxTenantStreamCapTests(ServiceFixture service) : IAsyncLifetime
{
    private const string Stream = EndUsers.Me + "/stream";
    private const int Cap = 3;
    private WebApplicationFactory<Program> _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiReplica.Start(service, ("Inbox:MaxStreamsPerTenant", Cap.ToString()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpClient> UserAsync(TestTenant tenant, string userId)
    {
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await tenant.TokenAsync(userId));
        return client;
    }

    [Fact]
    public async Task A_tenant_past_its_stream_cap_gets_a_429_naming_it_another_tenant_is_served_and_a_closed_stream_frees_a_place()
    {
        var tenant = await service.NewTenantAsync(null);
        var open = new List<SseClient>();
        try
        {
            for (var i = 0; i < Cap; i++)   // one stream per user: each user is far below its own cap of 10
            {
                open.Add(await SseClient.OpenAsync(await UserAsync(tenant, $"user-{i}"), Stream));
                Assert.Equal("counts", (await open[^1].NextAsync()).Event);
            }

            var late = await UserAsync(tenant, "user-late");
            using (var refused = await late.GetAsync(Stream, HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                var detail = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();
                Assert.Contains($"This tenant already has {Cap} live streams open (Inbox:MaxStreamsPerTenant", detail);
            }

            await using (var other = await SseClient.OpenAsync(await UserAsync(await service.NewTenantAsync(null), "user-0"), Stream))
                Assert.Equal("counts", (await other.NextAsync()).Event);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            var reopened = await Eventually.Async(async () =>
            {
                var response = await late.GetAsync(Stream, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode == HttpStatusCode.OK) return response;
                response.Dispose();
                return null;
            }, r => r is not null, "a stream of the tenant to open again after one was closed");
            reopened!.Dispose();
        }
        finally
        {
            foreach (var s in open) await s.DisposeAsync();
        }
    }
}
