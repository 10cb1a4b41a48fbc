using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>
/// One user holds at most `Inbox:MaxStreamsPerUser` (10) live streams on a replica: the next is a 429 ProblemDetails
/// that says so, another user of the tenant is not affected, and closing a stream frees its place.
/// </summary>
[Collection("service")]
public class InboxStreamCapTests(ServiceFixture service)
{
    private const string Stream = EndUsers.Me + "/stream";
    private const int DefaultCap = 10;   // Inbox:MaxStreamsPerUser's documented default

    [Fact]
    public async Task A_user_past_the_stream_cap_gets_a_429_saying_so_and_a_closed_stream_frees_its_place()
    {
        var tenant = await service.NewTenantAsync(null);
        var user = await service.UserClientAsync(tenant, "many-tabs");
        var open = new List<SseClient>();
        try
        {
            for (var i = 0; i < DefaultCap; i++)
            {
                open.Add(await SseClient.OpenAsync(user, Stream));
                Assert.Equal("counts", (await open[^1].NextAsync()).Event);   // really streaming, not just answered
            }

            using (var refused = await user.GetAsync(Stream, HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
                Assert.Equal(429, problem["status"]!.GetValue<int>());
                Assert.Contains($"already has {DefaultCap} live streams open", problem["detail"]!.GetValue<string>());
            }

            // Another user of the same tenant is not affected.
            await using (var other = await SseClient.OpenAsync(await service.UserClientAsync(tenant, "someone-else"), Stream))
                Assert.Equal("counts", (await other.NextAsync()).Event);

            // A closed stream gives its place back (once the server has seen the connection go).
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            var reopened = await Eventually.Async(async () =>
            {
                var response = await user.GetAsync(Stream, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode == HttpStatusCode.OK) return response;
                response.Dispose();
                return null;
            }, r => r is not null, "a stream to open again after one was closed");
            reopened!.Dispose();
        }
        finally
        {
            foreach (var s in open) await s.DisposeAsync();
        }
    }
}
