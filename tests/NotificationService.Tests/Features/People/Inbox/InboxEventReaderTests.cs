using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.People.Inbox;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>
/// Streams woken together read the event table in one statement. Each read still gets exactly what a read of its own
/// would: its own user's events (in its own tenant) after its own cursor, in order, at most its limit.
/// </summary>
[Collection("service")]
public class InboxEventReaderTests(ServiceFixture service)
{
    private sealed record Ask(Guid TenantId, string UserId, long After, int Limit);

    [Fact]
    public async Task Reads_made_at_the_same_moment_each_get_what_a_read_of_its_own_would()
    {
        var tenant = await service.NewTenantAsync(null);
        var other = await service.NewTenantAsync(null);
        for (var i = 0; i < 3; i++) await service.SendInAppAsync(tenant, "ann", $"ann {i}");
        for (var i = 0; i < 2; i++) await service.SendInAppAsync(tenant, "bob", $"bob {i}");
        await service.SendInAppAsync(other, "ann", "the other tenant's ann");

        var annSecond = (await OwnReadAsync(new Ask(tenant.Id, "ann", 0, 500)))[1].Seq;
        var asks = new List<Ask>
        {
            new(tenant.Id, "ann", 0, 500),           // everything
            new(tenant.Id, "ann", annSecond, 500),   // a second tab further along
            new(tenant.Id, "bob", 0, 1),             // a limit
            new(other.Id, "ann", 0, 500),            // the same userId in another tenant: another person
            new(tenant.Id, "nobody", 0, 500),        // nothing stored
        };
        // Many at once, so they share statements (the reader takes whatever is waiting when a statement starts).
        asks = [.. Enumerable.Range(0, 40).SelectMany(_ => asks)];
        var reader = service.Factory.Services.GetRequiredService<InboxEventReader>();

        var together = await Task.WhenAll(asks.Select(a => reader.AfterAsync(a.TenantId, a.UserId, a.After, a.Limit, default)));

        for (var i = 0; i < asks.Count; i++)
            Assert.Equal(await OwnReadAsync(asks[i]), together[i]);
        Assert.Equal(6, together[0].Count);                            // three sends: created + counts each
        Assert.Empty(together[4]);
        Assert.All(together[3], e => Assert.DoesNotContain("\"ann 0\"", e.Payload));
    }

    /// <summary>What one stream read alone before reads were combined: the oracle.</summary>
    private async Task<List<StreamEvent>> OwnReadAsync(Ask a)
    {
        await using var cmd = service.Db.CreateCommand(
            "select seq, kind, payload::text from inbox_events where tenant_id = $1 and user_id = $2 and seq > $3 order by seq limit $4");
        cmd.Parameters.AddWithValue(a.TenantId);
        cmd.Parameters.AddWithValue(a.UserId);
        cmd.Parameters.AddWithValue(a.After);
        cmd.Parameters.AddWithValue(a.Limit);
        var events = new List<StreamEvent>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) events.Add(new StreamEvent(r.GetInt64(0), r.GetString(1), r.GetString(2)));
        return events;
    }
}
