using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>
/// What a user does in the inbox is the in_app notification's engagement, through the ledger: `seen` and `read` are
/// statuses (forward only, `delivered` implied first, source `user`) with their `notification.seen` / `.read` webhooks;
/// an unread, an archive and a read again after an unread are history rows that move no status. One item, a list of
/// ids and mark-all-read alike; read and unread answer to PATCH as to POST.
/// </summary>
[Collection("service")]
public class InboxEngagementTests(ServiceFixture service)
{
    private static string Item(Guid id, string change) => $"{EndUsers.Inbox}/{id}/{change}";

    private static async Task<(string Status, string[] History)> LedgerAsync(TestTenant tenant, Guid id)
    {
        var n = await tenant.Http.StatusAsync(id);
        return (n["status"]!.GetValue<string>(), n["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()).ToArray());
    }

    /// <summary>The notification's status and the statuses of its history, in order, as the service API shows them.</summary>
    private static async Task AssertLedgerAsync(TestTenant tenant, Guid id, string status, string[] history)
    {
        var (actualStatus, actualHistory) = await LedgerAsync(tenant, id);
        Assert.Equal(status, actualStatus);
        Assert.Equal(history, actualHistory);
    }

    private static async Task<LoopbackReceiver> ReceiverAsync(TestTenant tenant, params string[] events)
    {
        var receiver = await LoopbackReceiver.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url, events })).StatusCode);
        return receiver;
    }

    [Fact]
    public async Task Reading_an_item_moves_its_notification_to_read_with_history_and_a_notification_read_webhook()
    {
        var tenant = await service.NewTenantAsync(null);
        await using var receiver = await ReceiverAsync(tenant, "notification.read");
        var id = await service.SendInAppAsync(tenant, "ada", "Order shipped");
        var ada = await service.UserClientAsync(tenant, "ada");

        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsync(Item(id, "read"), null)).StatusCode);

        var (status, history) = await LedgerAsync(tenant, id);
        Assert.Equal("read", status);
        Assert.Equal(["accepted", "queued", "sending", "sent", "delivered", "read"], history);
        var read = (await tenant.Http.StatusAsync(id))["history"]!.AsArray()[^1]!;
        Assert.Equal(("user", "inbox"), (read["source"]!.GetValue<string>(), read["detail"]!.GetValue<string>()));
        var hook = JsonNode.Parse(Assert.Single(await receiver.WaitForAsync(1)).Body)!;
        Assert.Equal("notification.read", hook["type"]!.GetValue<string>());
        Assert.Equal(id.ToString(), hook["data"]!["notificationId"]!.GetValue<string>());
        Assert.Equal("delivered", hook["data"]!["previousStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Seeing_an_item_moves_its_notification_to_seen_with_a_webhook_and_reading_it_then_moves_it_on_to_read()
    {
        var tenant = await service.NewTenantAsync(null);
        await using var receiver = await ReceiverAsync(tenant, "notification.seen", "notification.read");
        var id = await service.SendInAppAsync(tenant, "ada");
        var ada = await service.UserClientAsync(tenant, "ada");

        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsync(Item(id, "seen"), null)).StatusCode);
        await AssertLedgerAsync(tenant, id, "seen", ["accepted", "queued", "sending", "sent", "delivered", "seen"]);
        var seen = JsonNode.Parse(Assert.Single(await receiver.WaitForAsync(1)).Body)!;
        Assert.Equal(("notification.seen", id.ToString()), (seen["type"]!.GetValue<string>(), seen["data"]!["notificationId"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsync(Item(id, "read"), null)).StatusCode);
        await AssertLedgerAsync(tenant, id, "read", ["accepted", "queued", "sending", "sent", "delivered", "seen", "read"]);
        var types = (await receiver.WaitForAsync(2)).Select(r => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>()).Order().ToArray();
        Assert.Equal(["notification.read", "notification.seen"], types);
    }

    [Fact]
    public async Task Unread_after_read_is_a_history_row_the_status_stays_read_and_PATCH_answers_like_POST()
    {
        var tenant = await service.NewTenantAsync(null);
        var id = await service.SendInAppAsync(tenant, "ada");
        var ada = await service.UserClientAsync(tenant, "ada");

        Assert.Equal(HttpStatusCode.NoContent, (await ada.PatchAsync(Item(id, "read"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ada.PatchAsync(Item(id, "unread"), null)).StatusCode);
        Assert.Equal((1, 0, 1), await ada.CountsAsync());
        await AssertLedgerAsync(tenant, id, "read", ["accepted", "queued", "sending", "sent", "delivered", "read", "unread"]);

        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsync(Item(id, "read"), null)).StatusCode);
        await AssertLedgerAsync(tenant, id, "read", ["accepted", "queued", "sending", "sent", "delivered", "read", "unread", "read"]);
        Assert.Equal((0, 0, 1), await ada.CountsAsync());

        var bob = await service.UserClientAsync(tenant, "bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PatchAsync(Item(id, "read"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PatchAsync(Item(id, "unread"), null)).StatusCode);
    }

    [Fact]
    public async Task Mark_all_read_moves_every_unread_notification_to_read_once_with_its_webhook_and_the_counts_stay_exact()
    {
        var tenant = await service.NewTenantAsync(null);
        await using var receiver = await ReceiverAsync(tenant, "notification.read");
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++) ids.Add(await service.SendInAppAsync(tenant, "ada", $"Item {i}"));
        var other = await service.SendInAppAsync(tenant, "bob", "Bob's");
        var ada = await service.UserClientAsync(tenant, "ada");
        Assert.Equal(HttpStatusCode.NoContent, (await ada.PostAsync(Item(ids[0], "read"), null)).StatusCode);

        var marked = await ada.PostJsonAsync($"{EndUsers.Inbox}/mark-all-read", new { });
        Assert.Equal(5, (await marked.JsonAsync())["updated"]!.GetValue<int>());

        Assert.Equal((0, 0, 6), await ada.CountsAsync());
        foreach (var id in ids)
            await AssertLedgerAsync(tenant, id, "read", ["accepted", "queued", "sending", "sent", "delivered", "read"]);
        Assert.Equal("sent", (await LedgerAsync(tenant, other)).Status);
        var hooks = (await receiver.WaitForAsync(6)).Select(r => JsonNode.Parse(r.Body)!["data"]!["notificationId"]!.GetValue<string>()).Order();
        Assert.Equal(ids.Select(i => i.ToString()).Order(), hooks);
    }

    [Fact]
    public async Task Archiving_and_reading_a_list_of_ids_reach_the_ledger_as_history_and_status()
    {
        var tenant = await service.NewTenantAsync(null);
        var a = await service.SendInAppAsync(tenant, "ada", "A");
        var b = await service.SendInAppAsync(tenant, "ada", "B");
        var ada = await service.UserClientAsync(tenant, "ada");

        var archived = await ada.PostJsonAsync($"{EndUsers.Inbox}/archive", new { ids = new[] { a, b } });
        Assert.Equal(2, (await archived.JsonAsync())["updated"]!.GetValue<int>());
        var read = await ada.PostJsonAsync($"{EndUsers.Inbox}/read", new { ids = new[] { a } });
        Assert.Equal(1, (await read.JsonAsync())["updated"]!.GetValue<int>());

        await AssertLedgerAsync(tenant, a, "read", ["accepted", "queued", "sending", "sent", "archived", "delivered", "read"]);
        await AssertLedgerAsync(tenant, b, "sent", ["accepted", "queued", "sending", "sent", "archived"]);
        Assert.Equal((0, 0, 0), await ada.CountsAsync());
        var list = (await ada.GetFromJsonAsync<JsonNode>($"{EndUsers.Inbox}?archived=only"))!["items"]!.AsArray();
        Assert.Equal(2, list.Count);
    }
}
