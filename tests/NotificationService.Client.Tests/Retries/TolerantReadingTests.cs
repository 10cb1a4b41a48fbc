using Microsoft.AspNetCore.Http;

namespace NotificationService.Client.Tests.Retries;

/// <summary>What the service adds later never breaks a call: unknown fields are kept aside, unknown statuses read as their name.</summary>
public class TolerantReadingTests
{
    [Fact]
    public async Task A_field_and_a_status_this_client_does_not_know_arrive_as_they_are()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """
            {"id":"0193a6a4-0000-7000-8000-000000000001","channel":"carrier_pigeon","status":"in_flight","attempts":1,"createdAt":"2026-11-26T10:00:00Z",
             "updatedAt":"2026-11-26T10:00:01+00:00","history":[{"status":"in_flight","source":"worker","at":"2026-11-26T10:00:01Z","wind":"north"}],
             "pigeon":{"name":"Ada"}}
            """));
        using var client = new LoopbackClient(server);

        var n = await client.Client.Notifications.GetAsync(Guid.Parse("0193a6a4-0000-7000-8000-000000000001"));

        Assert.Equal("in_flight", n.Status);
        Assert.Equal("carrier_pigeon", n.Channel);
        Assert.Equal("Ada", n.AdditionalProperties!["pigeon"].GetProperty("name").GetString());
        Assert.Equal("north", Assert.Single(n.History).AdditionalProperties!["wind"].GetString());
    }

    [Fact]
    public async Task A_keyset_list_reads_every_page_as_one_sequence_following_nextCursor()
    {
        await using var server = await LoopbackServer.StartAsync(async (r, ctx) =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(r.Path.Contains("cursor=p2")
                ? """{"items":[{"key":"c","memberCount":0}],"nextCursor":null}"""
                : """{"items":[{"key":"a","memberCount":1},{"key":"b","memberCount":2}],"nextCursor":"p2"}""");
        });
        using var client = new LoopbackClient(server);

        var keys = new List<string>();
        await foreach (var t in client.Client.Topics.ListAsync()) keys.Add(t.Key);

        Assert.Equal(new[] { "a", "b", "c" }, keys);
        Assert.Equal(2, server.Requests.Count);
    }
}
