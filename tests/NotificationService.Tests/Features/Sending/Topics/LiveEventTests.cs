using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Topics;

/// <summary>
/// Live application events across two service hosts on one database (A, the fixture, and B, API only): an event to a
/// topic (stored once) reaches its members wherever they are connected, an event to a user rides the user's own
/// sequence, a stream cut and resumed with Last-Event-ID gets exactly what it missed from both, never twice; a member
/// added while connected hears the next event and one removed hears no more; another tenant's events never arrive.
/// </summary>
[Collection("service")]
public class LiveEventTests(ServiceFixture service) : IAsyncLifetime
{
    private WebApplicationFactory<Program> _replicaB = null!;

    public Task InitializeAsync()
    {
        _replicaB = ApiReplica.Start(service);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _replicaB.DisposeAsync();

    private HttpClient OnB(string token)
    {
        var client = _replicaB.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private const string Me = EndUsers.Me + "/stream";

    private static object ToTopic(string topic, int ticket) => new { to = new { topics = new[] { topic } }, type = "ticket.status_changed", data = new { ticket } };

    private static object ToUsers(string type, params string[] userIds) => new { to = new { userIds }, type, data = new { to = userIds[0] } };

    private static async Task<long> PublishedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync())["sequence"]?.GetValue<long>() ?? 0;
    }

    private static bool IsApp(SseEvent e) => e.Event.StartsWith("app.", StringComparison.Ordinal);

    private static int Ticket(SseEvent e) => JsonNode.Parse(e.Data)!["ticket"]!.GetValue<int>();

    [Fact]
    public async Task A_topic_event_reaches_members_on_both_replicas_and_a_resumed_stream_gets_exactly_what_it_missed()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("building-12", "alice", "bob");
        await tenant.Http.TopicWithAsync("building-7", "carol");
        await using var alice = await SseClient.OpenAsync(service.BearerClient(await tenant.TokenAsync("alice")), Me);
        var bobOnB = OnB(await tenant.TokenAsync("bob"));
        var bob = await SseClient.OpenAsync(bobOnB, Me);
        await using var carol = await SseClient.OpenAsync(OnB(await tenant.TokenAsync("carol")), Me);   // not a member
        foreach (var s in new[] { alice, bob, carol }) Assert.Equal("counts", (await s.NextAsync()).Event);

        var first = await PublishedAsync(await tenant.Http.PublishAsync(ToTopic("building-12", 1)));
        foreach (var s in new[] { alice, bob })
        {
            var e = await s.NextAsync();
            Assert.Equal(("app.ticket.status_changed", 1), (e.Event, Ticket(e)));
            Assert.EndsWith($".{first}", e.RawId);
        }
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PublishAsync(ToUsers("chat.message", "bob"))).StatusCode);
        var direct = await bob.NextAsync();
        Assert.Equal("app.chat.message", direct.Event);
        var received = new List<SseEvent> { direct };
        await bob.DisposeAsync();   // the cut

        await tenant.Http.PublishAsync(ToTopic("building-12", 2));
        await tenant.Http.PublishAsync(ToUsers("chat.message", "bob"));
        await tenant.Http.PublishAsync(ToTopic("building-12", 3));
        Assert.Equal([2, 3], (await alice.ReadUntilAsync(es => es.Count(IsApp) == 2)).Where(IsApp).Select(Ticket));

        // Resumed on the other replica with the header: both sequences replay from where the cut left them.
        await using (var resumed = await SseClient.OpenAsync(service.BearerClient(await tenant.TokenAsync("bob")), Me, lastEventId: direct.RawId))
        {
            var replay = await resumed.ReadUntilAsync(es => es.Count(IsApp) == 3);
            Assert.DoesNotContain(replay, e => e.Event == "counts" || e.Event == "reset");
            Assert.Equal([2, 3], replay.Where(e => e.Event == "app.ticket.status_changed").Select(Ticket));
            Assert.Single(replay, e => e.Event == "app.chat.message");
            received.AddRange(replay);
        }
        Assert.Equal(received.Count, received.Select(e => e.RawId).Distinct().Count());   // nothing twice

        // Carol is not a member: the first application event she hears is one of her own topic's, numbered after all of
        // building-12's (a stream gets its topics' events in number order, so one sent to her by mistake came first).
        await tenant.Http.PublishAsync(ToTopic("building-7", 7));
        Assert.Equal([7], (await carol.ReadUntilAsync(es => es.Any(IsApp))).Where(IsApp).Select(Ticket));
    }

    /// <summary>Events are read once per replica and handed to the member streams in memory: a burst to two topics the
    /// user is in (some to both at once), published concurrently, arrives complete, in the order numbered, each once, on
    /// both replicas; a stream of a user in neither topic gets none.</summary>
    [Fact]
    public async Task A_burst_of_events_to_two_of_a_users_topics_arrives_in_order_each_once_on_both_replicas()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("floor-1", "frank", "gina");
        await tenant.Http.TopicWithAsync("floor-2", "frank");
        await tenant.Http.TopicWithAsync("floor-3", "hal");
        await using var onA = await SseClient.OpenAsync(service.BearerClient(await tenant.TokenAsync("frank")), Me);
        await using var onB = await SseClient.OpenAsync(OnB(await tenant.TokenAsync("frank")), Me);
        await using var hal = await SseClient.OpenAsync(service.BearerClient(await tenant.TokenAsync("hal")), Me);   // in neither
        foreach (var s in new[] { onA, onB, hal }) Assert.Equal("counts", (await s.NextAsync()).Event);

        var sequences = await Task.WhenAll(Enumerable.Range(1, 30).Select(async i => await PublishedAsync(await tenant.Http.PublishAsync(
            i % 3 == 0 ? new { to = new { topics = new[] { "floor-1", "floor-2" } }, type = "ticket.status_changed", data = new { ticket = i } }
                : ToTopic(i % 2 == 0 ? "floor-1" : "floor-2", i)))));
        var byTicket = Enumerable.Range(1, 30).ToDictionary(i => i, i => sequences[i - 1]);
        foreach (var stream in new[] { onA, onB })
        {
            var events = (await stream.ReadUntilAsync(es => es.Count(IsApp) == 30)).Where(IsApp).ToList();
            Assert.Equal(byTicket.OrderBy(x => x.Value).Select(x => x.Key), events.Select(Ticket));   // in number order, each once
            Assert.Equal(events.Count, events.Select(e => e.RawId).Distinct().Count());
        }
        // Hal's first application event is floor-3's, numbered after the whole burst: one of it sent to him came first.
        await tenant.Http.PublishAsync(ToTopic("floor-3", 99));
        Assert.Equal([99], (await hal.ReadUntilAsync(es => es.Any(IsApp))).Where(IsApp).Select(Ticket));
    }

    [Fact]
    public async Task A_member_added_while_connected_hears_the_next_event_and_one_removed_hears_no_more()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("lobby", "eve");
        await tenant.Http.TopicWithAsync("desk", "dave");
        await using var dave = await SseClient.OpenAsync(OnB(await tenant.TokenAsync("dave")), Me);
        Assert.Equal("counts", (await dave.NextAsync()).Event);

        await tenant.Http.MembersOkAsync("lobby", ["dave"]);
        await tenant.Http.PublishAsync(ToTopic("lobby", 1));
        Assert.Equal(1, Ticket((await dave.ReadUntilAsync(es => es.Any(IsApp))).Single(IsApp)));

        await tenant.Http.MembersOkAsync("lobby", ["dave"], remove: true);
        await tenant.Http.PublishAsync(ToTopic("lobby", 2));
        // Desk's event is numbered after lobby's second: had that one reached him, it would have come first.
        await tenant.Http.PublishAsync(ToTopic("desk", 3));
        Assert.Equal([3], (await dave.ReadUntilAsync(es => es.Any(IsApp))).Where(IsApp).Select(Ticket));
    }

    [Fact]
    public async Task Another_tenants_topic_events_never_reach_this_tenants_users()
    {
        var mine = await service.NewTenantAsync(null);
        var theirs = await service.NewTenantAsync(null);
        await mine.Http.TopicWithAsync("news", "sam");
        await theirs.Http.TopicWithAsync("news", "sam");   // same key, same userId: another tenant's, so another person
        await using var sam = await SseClient.OpenAsync(OnB(await mine.TokenAsync("sam")), Me);
        Assert.Equal("counts", (await sam.NextAsync()).Event);

        await theirs.Http.PublishAsync(ToTopic("news", 666));
        await mine.Http.PublishAsync(ToTopic("news", 1));
        await mine.Http.PublishAsync(ToUsers("sentinel", "sam"));
        // The two sequences are not ordered against each other (a topic event is read once by the hub, then handed over;
        // the user's own event wakes the stream directly), so read until both arrived: the other tenant's event was
        // announced before this tenant's first, so had it been going to arrive, it would have by then.
        var heard = await sam.ReadUntilAsync(es => es.Any(e => e.Event == "app.sentinel") && es.Any(e => e.Event == "app.ticket.status_changed"));
        Assert.Equal([1], heard.Where(e => e.Event == "app.ticket.status_changed").Select(Ticket));
    }

    [Fact]
    public async Task A_bad_event_is_a_400_naming_the_field()
    {
        var tenant = await service.NewTenantAsync(null);
        async Task<string[]> Fields(object body) => await (await tenant.Http.PublishAsync(body)).ErrorFieldsAsync();
        Assert.Equal(["data"], await Fields(new { to = new { userIds = new[] { "a" } }, type = "big", data = new { blob = new string('x', 17 * 1024) } }));
        Assert.Equal(["to"], await Fields(new { to = new { userIds = new[] { "a" }, topics = new[] { "t" } }, type = "x" }));
        Assert.Equal(["type"], await Fields(new { to = new { userIds = new[] { "a" } }, type = "new\nline" }));
        Assert.Equal(["to.userIds"], await Fields(new { to = new { userIds = Enumerable.Range(0, 1001).Select(i => $"u{i}").ToArray() }, type = "x" }));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from inbox_events where tenant_id = $1", tenant.Id));
    }
}
