using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Hosting;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>
/// Counters are kept on write, so they must survive concurrency: several "tabs" of several users change items at
/// random while new ones arrive, and after every round each counter equals a COUNT(*) of the rows it stands for.
/// </summary>
[Collection("service")]
public class InboxCounterTests(ServiceFixture service)
{
    private const string Drift = """
        select c.user_id, c.unread, c.unseen, c.total, x.unread, x.unseen, x.total
        from inbox_counters c
        left join lateral (
            select count(*) filter (where archived_at is null and read_at is null)::int as unread,
                   count(*) filter (where archived_at is null and seen_at is null)::int as unseen,
                   count(*) filter (where archived_at is null)::int as total
            from inbox_items i where i.tenant_id = c.tenant_id and i.user_id = c.user_id and i.deleted_at is null) x on true
        where c.tenant_id = $1 and (c.unread, c.unseen, c.total) <> (x.unread, x.unseen, x.total)
        """;

    private async Task<List<string>> DriftAsync(Guid tenant)
    {
        await using var cmd = service.Db.CreateCommand(Drift);
        cmd.Parameters.AddWithValue(tenant);
        var drift = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) drift.Add($"{r.GetString(0)}: counters {r.GetInt32(1)}/{r.GetInt32(2)}/{r.GetInt32(3)}, rows {r.GetInt32(4)}/{r.GetInt32(5)}/{r.GetInt32(6)}");
        return drift;
    }

    [Fact]
    public async Task Random_concurrent_changes_from_several_tabs_keep_every_counter_equal_to_its_rows()
    {
        var tenant = await service.NewTenantAsync(null);
        string[] users = ["alice", "bob", "carol"];
        var tabs = new List<(string User, HttpClient Http)>();
        foreach (var u in users) for (var t = 0; t < 3; t++) tabs.Add((u, await service.UserClientAsync(tenant, u)));
        foreach (var u in users) for (var i = 0; i < 6; i++) await service.SendInAppAsync(tenant, u, $"{u}-{i}", category: i % 2 == 0 ? "even" : "odd");

        var random = new Random(14);
        string[] single = ["read", "unread", "seen", "archive", "unarchive"];
        for (var round = 0; round < 6; round++)
        {
            var creates = users.Select(u => tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = u }, content = new { subject = $"r{round}", body = "b" } })).ToList();
            var work = tabs.Select(async tab =>
            {
                var rnd = new Random(random.Next());
                var ids = await tab.Http.ListIdsAsync("?archived=include&limit=100");
                for (var op = 0; op < 8; op++)
                {
                    var pick = ids.Count == 0 ? Guid.NewGuid() : ids[rnd.Next(ids.Count)];
                    var response = rnd.Next(10) switch
                    {
                        < 5 => await tab.Http.PostAsync($"{EndUsers.Inbox}/{pick}/{single[rnd.Next(single.Length)]}", null),
                        5 => await tab.Http.PostJsonAsync($"{EndUsers.Inbox}/{single[rnd.Next(single.Length)]}",
                            new { ids = ids.OrderBy(_ => rnd.Next()).Take(3).ToArray() is { Length: > 0 } some ? some : [pick] }),
                        6 => await tab.Http.DeleteAsync($"{EndUsers.Inbox}/{pick}"),
                        7 => await tab.Http.PostJsonAsync($"{EndUsers.Inbox}/mark-all-read", rnd.Next(2) == 0 ? new { category = (string?)"even" } : new { category = (string?)null }),
                        _ => await tab.Http.GetAsync($"{EndUsers.Inbox}/unread-count"),
                    };
                    Assert.True((int)response.StatusCode < 500, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode}");
                }
            });
            await Task.WhenAll(work);
            foreach (var id in await Task.WhenAll(creates)) await service.Ledger.WaitForAsync(id, "sent");
            var drift = await DriftAsync(tenant.Id);
            Assert.True(drift.Count == 0, $"round {round}: counters differ from their rows:\n" + string.Join("\n", drift));
        }
        // The API's answer is the counter: exact, not capped.
        var (unread, _, total) = await tabs[0].Http.CountsAsync();
        Assert.InRange(unread, 0, total);
    }

    [Fact]
    public async Task Inbox_recount_repairs_counters_that_were_wrong()
    {
        var tenant = await service.NewTenantAsync(null);
        await service.SendInAppAsync(tenant, "fixme", "one");
        await service.SendInAppAsync(tenant, "fixme", "two");
        var user = await service.UserClientAsync(tenant, "fixme");
        await using (var corrupt = service.Db.CreateCommand("update inbox_counters set unread = 40, unseen = 7, total = 99 where tenant_id = $1"))
        {
            corrupt.Parameters.AddWithValue(tenant.Id);
            await corrupt.ExecuteNonQueryAsync();
        }
        Assert.Equal((40, 7, 99), await user.CountsAsync());
        Assert.NotEmpty(await DriftAsync(tenant.Id));

        var (exit, output) = await CliTests.RunAsync(service.ConnectionString, "inbox", "recount", "--tenant", tenant.Id.ToString());
        Assert.True(exit == 0, output);
        Assert.Contains("1 counters repaired", output);
        Assert.Contains("users checked", output);
        Assert.Empty(await DriftAsync(tenant.Id));
        Assert.Equal((2, 2, 2), await user.CountsAsync());
    }
}
