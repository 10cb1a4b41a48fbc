using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Topics;

/// <summary>
/// A send to topics is a fan-out: 202 at once with its id and status URL, then one notification per member and channel
/// however many of the topics a member is in, the excluded left out, each member's preferences applied at send time
/// (a muted topic suppresses with `preference:topic/&lt;key&gt;`), members without an address for a channel `skipped`, and
/// an Idempotency-Key that makes a retried send one fan-out.
/// </summary>
[Collection("service")]
public class FanOutTests(ServiceFixture service)
{
    private static object ToTopics(string[] topics, string[]? exclude = null, string[]? channels = null, string body = "Water off tomorrow 9–12") => new
    {
        channels = channels ?? ["in_app"], recipient = new { topics, excludeUserIds = exclude },
        content = new { subject = "Building notice", body },
    };

    [Fact]
    public async Task A_member_of_two_topics_gets_one_notification_per_channel_and_the_excluded_get_none()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await tenant.Http.TopicWithAsync("building-12", "ann", "ben", "cat");
        await tenant.Http.TopicWithAsync("building-13", "ben", "cat", "dan");
        await tenant.Http.IdentifyAsync("ann", new { email = "ann@example.com" });
        await tenant.Http.IdentifyAsync("ben", new { email = "ben@example.com" });   // cat and dan have no profile

        var response = await tenant.Http.PostJsonAsync(Api.Send, ToTopics(["building-12", "building-13"], exclude: ["dan"], channels: ["in_app", "email"]));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.JsonAsync();
        var id = Guid.Parse(accepted.Text("id")!);
        Assert.Equal(TopicsApi.FanOut(id), accepted.Text("statusUrl"));

        var done = await tenant.Http.WaitForFanOutAsync(id, "completed");
        Assert.Equal((3L, 3L, 6L), (done["membersTotal"]!.GetValue<long>(), done["membersDone"]!.GetValue<long>(), done["notificationsCreated"]!.GetValue<long>()));
        var rows = await service.FanOutNotificationsAsync(id);
        Assert.Equal([("ann", "email"), ("ann", "in_app"), ("ben", "email"), ("ben", "in_app"), ("cat", "email"), ("cat", "in_app")],
            rows.Select(r => (r.UserId, r.Channel)));
        Assert.Equal("""["building-12"]""", rows.First(r => r.UserId == "ann").Topics);
        Assert.Equal("""["building-12", "building-13"]""", rows.First(r => r.UserId == "ben").Topics);

        foreach (var (user, channel, notification, _) in rows)
            await service.Ledger.WaitForAsync(notification, (user, channel) is ("cat", "email") ? "skipped" : "sent");
        Assert.Equal("no_address:email", (await tenant.Http.StatusAsync(rows.Single(r => r is ("cat", "email", _, _)).Id))["lastError"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_muted_topic_suppresses_with_the_reason_unless_the_send_reached_the_user_through_another_topic()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("building-12", "muter", "listener", "both");
        await tenant.Http.TopicWithAsync("building-13", "both");
        foreach (var user in new[] { "muter", "both" })
        {
            var me = await service.UserClientAsync(tenant, user);
            var put = await me.PutAsJsonAsync("/api/v1/users/me/preferences", new { topics = new Dictionary<string, bool> { ["building-12"] = false } });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            Assert.False((await put.JsonAsync())["topics"]!["building-12"]!.GetValue<bool>());
        }

        var single = await tenant.Http.SendToTopicsAsync(ToTopics(["building-12"]));
        await tenant.Http.WaitForFanOutAsync(single, "completed");
        var rows = await service.FanOutNotificationsAsync(single);
        var muted = await service.Ledger.WaitForAsync(rows.Single(r => r.UserId == "muter").Id, "suppressed");
        Assert.Equal("preference:topic/building-12", muted.Detail);
        await service.Ledger.WaitForAsync(rows.Single(r => r.UserId == "both").Id, "suppressed");
        await service.Ledger.WaitForAsync(rows.Single(r => r.UserId == "listener").Id, "sent");

        // Sent to both topics, "both" is reached through building-13 too, which it did not mute.
        var twoTopics = await tenant.Http.SendToTopicsAsync(ToTopics(["building-12", "building-13"]));
        await tenant.Http.WaitForFanOutAsync(twoTopics, "completed");
        await service.Ledger.WaitForAsync((await service.FanOutNotificationsAsync(twoTopics)).Single(r => r.UserId == "both").Id, "sent");
    }

    [Fact]
    public async Task An_Idempotency_Key_makes_a_retried_topic_send_one_fan_out()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("all-staff", "a", "b");
        var first = await tenant.Http.PostJsonAsync(Api.Send, ToTopics(["all-staff"]), idempotencyKey: "notice-1");
        var again = await tenant.Http.PostJsonAsync(Api.Send, ToTopics(["all-staff"]), idempotencyKey: "notice-1");
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, again.StatusCode));
        Assert.Equal((await first.JsonAsync()).Text("id"), (await again.JsonAsync()).Text("id"));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var other = await tenant.Http.PostJsonAsync(Api.Send, ToTopics(["all-staff"], body: "Another notice"), idempotencyKey: "notice-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);

        var id = Guid.Parse((await first.JsonAsync()).Text("id")!);
        await tenant.Http.WaitForFanOutAsync(id, "completed");
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from fan_outs where tenant_id = $1", tenant.Id));
        Assert.Equal(2, (await service.FanOutNotificationsAsync(id)).Count);
    }

    [Fact]
    public async Task A_bad_topic_send_is_refused_at_once_naming_the_field_and_creates_nothing()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("t", "a");
        async Task<string[]> Fields(object body) => await (await tenant.Http.PostJsonAsync(Api.Send, body)).ErrorFieldsAsync();

        Assert.Equal(["recipient"], await Fields(new { channel = "in_app", recipient = new { topics = new[] { "t" }, userId = "a" }, content = new { body = "x" } }));
        Assert.Equal(["recipient.topics"], await Fields(ToTopics([.. Enumerable.Range(0, 21).Select(i => $"t{i}")])));
        Assert.Equal(["recipient.topics[0]"], await Fields(ToTopics(["not a key"])));
        Assert.Equal(["recipient.excludeUserIds[0]"], await Fields(ToTopics(["t"], exclude: [""])));
        Assert.Equal(["content.body"], await Fields(ToTopics(["t"], body: "")));
        var unknownTemplate = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "in_app", recipient = new { topics = new[] { "t" } }, template = "nope" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownTemplate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.PostJsonAsync(Api.Send, ToTopics(["t", "missing"]))).StatusCode);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from fan_outs where tenant_id = $1", tenant.Id));
    }
}
