using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.InboxClicks;

/// <summary>
/// A click on an item's link or action button (`POST /users/me/notifications/{id}/click`) is the in_app notification's
/// `clicked`: through the ledger (history with `delivered` implied first, source `user`), the `notification.clicked`
/// webhook, and the item read. Only the user's own item; a button it does not have is a 400 naming `action`.
/// </summary>
[Collection("service")]
public class InboxClickTests(ServiceFixture service)
{
    private static string Click(Guid id) => $"{EndUsers.Inbox}/{id}/click";

    [Fact]
    public async Task A_click_on_an_action_moves_the_notification_to_clicked_with_history_and_webhook_and_reads_the_item()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync(null);
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks",
            new { url = receiver.Url, events = new[] { "notification.clicked" } })).StatusCode);
        var id = await tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId = "ada" },
            content = new { title = "Order shipped", body = "x", actions = new[] { new { label = "Track", url = "/track" }, new { label = "Help", url = "/help" } } },
        });
        await service.Ledger.WaitForAsync(id, "sent");
        var user = await service.UserClientAsync(tenant, "ada");

        Assert.Equal(HttpStatusCode.NoContent, (await user.PostJsonAsync(Click(id), new { action = 1 })).StatusCode);
        await service.Ledger.WaitForAsync(id, "clicked");
        var history = (await tenant.Http.StatusAsync(id))["history"]!.AsArray();
        Assert.Equal(["accepted", "queued", "sending", "sent", "delivered", "clicked"], history.Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal("inbox: action 1", history[^1]!["detail"]!.GetValue<string>());
        Assert.Equal("clicked", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());
        Assert.Equal(0, (await user.CountsAsync()).Unread);
        Assert.NotNull((await user.GetFromJsonAsync<JsonNode>($"{EndUsers.Inbox}/{id}"))!["readAt"]);

        var hook = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Contains("\"notification.clicked\"", hook.Body);
        Assert.Contains(id.ToString(), hook.Body);

        // A second click changes nothing: the status only moves forward.
        Assert.Equal(HttpStatusCode.NoContent, (await user.PostJsonAsync(Click(id), new { action = 0 })).StatusCode);
        Assert.Equal(6, (await tenant.Http.StatusAsync(id))["history"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_button_the_item_lacks_is_a_400_and_another_users_item_is_a_404()
    {
        var tenant = await service.NewTenantAsync(null);
        var plain = await service.SendInAppAsync(tenant, "ada", "No links");
        var ada = await service.UserClientAsync(tenant, "ada");
        var noLink = await ExpectAsync(await ada.PostJsonAsync(Click(plain), new { }), 400);
        Assert.Equal(["action"], noLink.ErrorKeys());
        var noButton = await ExpectAsync(await ada.PostJsonAsync(Click(plain), new { action = 0 }), 400);
        Assert.Equal(["action"], noButton.ErrorKeys());

        var bob = await service.UserClientAsync(tenant, "bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostJsonAsync(Click(plain), new { action = 0 })).StatusCode);
        var other = await service.NewTenantAsync(null);
        var stranger = await service.UserClientAsync(other, "ada");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostJsonAsync(Click(plain), new { })).StatusCode);
        Assert.Equal("sent", (await tenant.Http.StatusAsync(plain))["status"]!.GetValue<string>());
    }
}
