using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>
/// The live stream across two service hosts on one database: host A (the fixture) runs the workers that deliver,
/// host B serves only the API. A client on B hears what A delivered; a stream cut mid-way and resumed with
/// Last-Event-ID (on either host) gets exactly what it missed: nothing lost, nothing twice.
/// </summary>
[Collection("service")]
public class InboxStreamTests(ServiceFixture service) : IAsyncLifetime
{
    private WebApplicationFactory<Program> _replicaB = null!;

    public Task InitializeAsync()
    {
        _replicaB = ApiReplica.Start(service, ("Inbox:KeepAliveSeconds", "1"));   // no workers: every delivery happens on A
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _replicaB.DisposeAsync();

    private HttpClient OnB(string? token = null)
    {
        var client = _replicaB.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> TicketAsync(HttpClient user) =>
        (await (await user.PostAsync($"{EndUsers.Me}/stream-ticket", null)).JsonAsync())["ticket"]!.GetValue<string>();

    private static Guid CreatedId(SseEvent e) => Guid.Parse(JsonNode.Parse(e.Data)!["id"]!.GetValue<string>());

    [Fact]
    public async Task A_stream_on_another_replica_cut_and_resumed_misses_nothing_and_repeats_nothing()
    {
        var tenant = await service.NewTenantAsync(null);
        var token = await tenant.TokenAsync("streamer");
        var userOnA = service.BearerClient(token);
        var first = await service.SendInAppAsync(tenant, "streamer", "before");

        // EventSource cannot send headers: a single-use ticket from A opens the stream on B.
        var ticket = await TicketAsync(userOnA);
        var received = new List<SseEvent>();
        await using (var stream = await SseClient.OpenAsync(OnB(), $"{EndUsers.Me}/stream?ticket={ticket}"))
        {
            var hello = await stream.NextAsync();
            Assert.Equal("counts", hello.Event);
            Assert.Equal(1, JsonNode.Parse(hello.Data)!["unread"]!.GetValue<int>());
            Assert.NotNull(stream.Retry);
            received.Add(hello);

            var sent = new List<Guid>();
            for (var i = 0; i < 3; i++) sent.Add(await service.SendInAppAsync(tenant, "streamer", $"live {i}"));
            received.AddRange(await stream.ReadUntilAsync(es => es.Count(e => e.Event == "notification.created") == 3));
            Assert.Equal(sent, received.Where(e => e.Event == "notification.created").Select(CreatedId));
            await userOnA.PostAsync($"{EndUsers.Inbox}/{first}/read", null);   // a change from another "tab", on A
            var updated = await stream.ReadUntilAsync(UpdatedThenCounts);
            Assert.Contains(updated, e => e.Event == "notification.updated" && e.Data.Contains(first.ToString()) && e.Data.Contains("\"read\""));
            Assert.Equal(3, JsonNode.Parse(updated.Last().Data)!["unread"]!.GetValue<int>());
            received.AddRange(updated);
        }   // the cut

        var lastSeen = received.Last().Id!.Value;
        var missed = new List<Guid>();
        for (var i = 0; i < 2; i++) missed.Add(await service.SendInAppAsync(tenant, "streamer", $"missed {i}"));
        await userOnA.PostJsonAsync($"{EndUsers.Inbox}/archive", new { ids = new[] { first } });

        // Resume on A with the header: the replay is exactly the events after the last id, in order.
        await using (var resumed = await SseClient.OpenAsync(userOnA, $"{EndUsers.Me}/stream", lastEventId: lastSeen.ToString()))
        {
            var replay = await resumed.ReadUntilAsync(UpdatedThenCounts);
            Assert.Equal(missed, replay.Where(e => e.Event == "notification.created").Select(CreatedId));
            received.AddRange(replay);
        }

        var ids = received.Where(e => e.Event != "counts" || e != received[0]).Select(e => e.Id!.Value).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);                                  // nothing twice
        var stored = await StoredSeqsAsync(tenant.Id, "streamer", received[0].Id!.Value);
        Assert.Equal(stored, ids.Where(id => id > received[0].Id!.Value).Order());        // nothing missed

        // The ticket was spent when the stream opened; a ticket never works off the stream route.
        Assert.Equal(HttpStatusCode.Unauthorized, (await OnB().GetAsync($"{EndUsers.Me}/stream?ticket={ticket}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OnB().GetAsync($"{EndUsers.Inbox}?ticket={await TicketAsync(userOnA)}")).StatusCode);
    }

    [Fact]
    public async Task A_gap_the_table_no_longer_covers_is_a_reset_and_an_idle_stream_gets_keep_alive_comments()
    {
        var tenant = await service.NewTenantAsync(null);
        var token = await tenant.TokenAsync("old-client");
        for (var i = 0; i < 3; i++) await service.SendInAppAsync(tenant, "old-client", $"n{i}");
        await using (var purge = service.Db.CreateCommand("delete from inbox_events where tenant_id = $1 and seq <= 2"))   // as the 48 h purge would
        {
            purge.Parameters.AddWithValue(tenant.Id);
            await purge.ExecuteNonQueryAsync();
        }

        await using var stream = await SseClient.OpenAsync(OnB(token), $"{EndUsers.Me}/stream?lastEventId=1");
        var reset = await stream.NextAsync();
        Assert.Equal("reset", reset.Event);
        var counts = await stream.NextAsync();
        Assert.Equal("counts", counts.Event);
        Assert.Equal(3, JsonNode.Parse(counts.Data)!["total"]!.GetValue<int>());
        await stream.WaitForCommentAsync(TimeSpan.FromSeconds(10));
        Assert.True(stream.Comments >= 1);

        var bad = await OnB(token).GetAsync($"{EndUsers.Me}/stream?lastEventId=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.JsonAsync())["errors"]!["lastEventId"]);
    }

    [Fact]
    public async Task An_idle_stream_reads_its_events_only_when_woken_while_the_listen_connection_stays_up_and_after_it_was_lost()
    {
        var tenant = await service.NewTenantAsync(null);
        var token = await tenant.TokenAsync("quiet");
        await using var stream = await SseClient.OpenAsync(OnB(token), $"{EndUsers.Me}/stream");
        Assert.Equal("counts", (await stream.NextAsync()).Event);
        // The stream reads once after `counts`, and once more after its first tick if B was not yet listening when it
        // started; each loop pass writes its comment before the next read, so after two comments those reads are done.
        for (var i = 0; i < 2; i++) await stream.WaitForCommentAsync(TimeSpan.FromSeconds(10));

        // An event stored without its NOTIFY (what a lost wake-up looks like): with B's LISTEN connection up throughout,
        // the quiet keep-alive ticks (1 s here) do not re-read the table, so nothing comes but comments.
        await using (var insert = service.Db.CreateCommand("""
            insert into inbox_events (tenant_id, user_id, seq, kind, payload) values ($1, 'quiet', 1, 'counts', '{"unread":7,"unseen":7,"total":7}')
            """))
        {
            insert.Parameters.AddWithValue(tenant.Id);
            await insert.ExecuteNonQueryAsync();
        }
        for (var i = 0; i < 3; i++) await stream.WaitForCommentAsync(TimeSpan.FromSeconds(10));

        // The safety net: once the LISTEN connections are lost, the next read (on reconnecting, or the next tick) finds it.
        await using (var cut = service.Db.CreateCommand(
            $"select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'listen {NotificationService.Features.People.Inbox.InboxStore.NotifyChannel}'"))
            Assert.NotNull(await cut.ExecuteScalarAsync());
        var late = await stream.NextAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(("counts", 1L), (late.Event, late.Id!.Value));
        Assert.Equal(7, JsonNode.Parse(late.Data)!["unread"]!.GetValue<int>());
    }

    /// <summary>A change's two events: its `notification.updated`, then the `counts` it left.</summary>
    private static bool UpdatedThenCounts(List<SseEvent> events) =>
        events.SkipWhile(e => e.Event != "notification.updated").Any(e => e.Event == "counts");

    private async Task<List<long>> StoredSeqsAsync(Guid tenant, string user, long after)
    {
        await using var cmd = service.Db.CreateCommand("select seq from inbox_events where tenant_id = $1 and user_id = $2 and seq > $3 order by seq");
        cmd.Parameters.AddWithValue(tenant);
        cmd.Parameters.AddWithValue(user);
        cmd.Parameters.AddWithValue(after);
        var seqs = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) seqs.Add(r.GetInt64(0));
        return seqs;
    }
}
