using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>
/// An `in_app` send right after a digest step: the open window is one inbox item. The first comment's run carries the
/// window at once (its item says "1 new comments"); each comment that joins rewrites that item's count and text on the
/// user's live stream and makes it unread again, so the badge counts the window once; when the window closes the other
/// runs end digested and no second item appears.
/// </summary>
[Collection("service")]
public class LiveInAppDigestTests(ServiceFixture service)
{
    private const string Flow = """
        {"key": "comments", "name": "Comments", "steps": [
          {"id": "batch", "type": "digest", "key": "data.threadId", "window": {"fixed": "PT1H"}, "keep": {"first": 3, "last": 3}},
          {"id": "inbox", "type": "send", "channel": "in_app", "template": "comments-inbox"}]}
        """;

    [Fact]
    public async Task An_in_app_digest_is_one_item_whose_count_grows_on_the_live_stream_and_the_badge_counts_it_once()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new
        {
            key = "comments-inbox", channel = "in_app", locale = "en",
            parts = new { title = "{{steps.batch.count}} new comments", body = "{{#each steps.batch.events}}[{{text}}]{{/each}}" },
        });
        await tenant.Http.PublishWorkflowAsync(Flow);
        var ada = await service.UserClientAsync(tenant, "ada");
        await using var stream = await SseClient.OpenAsync(ada, $"{EndUsers.Me}/stream");

        var first = await tenant.Http.CommentAsync("t1", "first");
        Assert.True((await tenant.Http.WaitForRunAsync(first, "completed")).Sends("inbox"));   // it carries the window at once
        var created = await NextAsync(stream, "notification.created");
        Assert.Equal(("1 new comments", "[first]"), (created.Text("title"), created.Text("body")));
        var itemId = Guid.Parse(created.Text("id")!);

        await tenant.Http.CommentAsync("t1", "second");
        var revised = await NextAsync(stream, "notification.updated");
        Assert.Equal("revised", revised.Text("change"));
        Assert.Equal(("2 new comments", "[first][second]"), (revised["item"].Text("title"), revised["item"].Text("body")));
        Assert.Equal(itemId, Guid.Parse(revised["ids"]![0]!.GetValue<string>()));
        Assert.Equal(1, (await NextAsync(stream, "counts"))["unread"]!.GetValue<int>());

        // Read, then another comment: the item is unread again, still one.
        Assert.True((await ada.PostAsync($"{EndUsers.Inbox}/{itemId}/read", null)).IsSuccessStatusCode);
        await NextAsync(stream, "counts", c => c["unread"]!.GetValue<int>() == 0);
        var third = await tenant.Http.CommentAsync("t1", "third");
        Assert.Equal("3 new comments", (await NextAsync(stream, "notification.updated"))["item"].Text("title"));
        Assert.Equal(1, (await NextAsync(stream, "counts"))["unread"]!.GetValue<int>());
        Assert.Equal((1, 1, 1), await ada.CountsAsync());

        await service.CloseWindowsAsync(tenant.Id);
        var ended = await tenant.Http.WaitForRunAsync(third, "completed");
        Assert.Equal($"digested: run {first} carries its event", ended.Text("reason"));
        Assert.Equal(new List<Guid> { itemId }, await ada.ListIdsAsync());
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        Assert.Equal(3, await service.ScalarAsync<int>("select (summary->>'count')::int from digest_windows where tenant_id = $1", tenant.Id));
    }

    /// <summary>The next event of this kind (others in between, such as `counts` after a change, are passed over).</summary>
    private static async Task<JsonNode> NextAsync(SseClient stream, string kind, Func<JsonNode, bool>? matching = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var e = await stream.NextAsync(deadline - DateTime.UtcNow);
            if (e.Event == kind && JsonNode.Parse(e.Data) is { } data && (matching is null || matching(data))) return data;
        }
    }
}
