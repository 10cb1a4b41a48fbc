using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.People.Inbox;

/// <summary>
/// What the inbox component shows of an item beyond title and body: up to two action buttons (`actions`, from inline
/// content or an in_app template, links held to the link rules at save, at send and on what they rendered to) and the
/// `thread` key that collapses items into one row. Inline content takes `title` as another name for `subject`.
/// </summary>
[Collection("service")]
public class InboxActionsTests(ServiceFixture service)
{
    [Fact]
    public async Task Inline_title_actions_and_thread_reach_the_item_rendered_and_the_stream_and_list_carry_them()
    {
        var tenant = await service.NewTenantAsync(null);
        var id = await tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId = "ada" }, thread = "order-42",
            content = new
            {
                title = "Order {{n}} shipped", body = "On its way",
                actions = new[] { new { label = "Track {{n}}", url = "https://shop.example/track/{{n}}" }, new { label = "Help", url = "/help" } },
            },
            data = new { n = 42 },
        });
        await service.Ledger.WaitForAsync(id, "sent");

        var user = await service.UserClientAsync(tenant, "ada");
        var item = (await user.GetFromJsonAsync<JsonNode>($"{EndUsers.Inbox}/{id}"))!;
        Assert.Equal("Order 42 shipped", item["title"]!.GetValue<string>());
        Assert.Equal("order-42", item["thread"]!.GetValue<string>());
        Assert.Equal("""[{"url":"https://shop.example/track/42","label":"Track 42"},{"url":"/help","label":"Help"}]""", item["actions"]!.ToJsonString());
        var listed = (await user.GetFromJsonAsync<JsonNode>(EndUsers.Inbox))!["items"]![0]!;
        Assert.Equal(item.ToJsonString(), listed.ToJsonString());
        var created = await service.ScalarAsync<string>(
            "select payload::text from inbox_events where tenant_id = $1 and user_id = 'ada' and kind = 'notification.created'", tenant.Id);
        Assert.Equal("order-42", JsonNode.Parse(created!)!["thread"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"title":"a","subject":"b","body":"x"}""", "content.title")]
    [InlineData("""{"body":"x","actions":[{"label":"1","url":"/1"},{"label":"2","url":"/2"},{"label":"3","url":"/3"}]}""", "content.actions")]
    [InlineData("""{"body":"x","actions":[{"label":"Go","url":"javascript:alert(1)"}]}""", "content.actions[0].url")]
    [InlineData("""{"body":"x","actions":[{"label":"Go","url":"//evil.example"}]}""", "content.actions[0].url")]
    [InlineData("""{"body":"x","actions":[{"label":"","url":"/a"}]}""", "content.actions[0].label")]
    [InlineData("""{"body":"x","actions":[{"label":"Go","url":"/a","icon":"x"}]}""", "content.actions[0].icon")]
    public async Task Bad_inline_content_is_a_400_naming_the_field(string content, string field)
    {
        var tenant = await service.NewTenantAsync(null);
        var body = $$"""{"channel":"in_app","recipient":{"userId":"ada"},"content":{{content}}}""";
        var problem = await ExpectAsync(await tenant.Http.PostJsonAsync(Api.Send, body), 400);
        Assert.Contains(field, problem.ErrorKeys());
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Actions_and_thread_on_a_send_without_in_app_are_400s_and_title_serves_as_an_email_subject()
    {
        var tenant = await service.NewTenantAsync();
        var actions = await ExpectAsync(await tenant.Http.PostJsonAsync(Api.Send, new
        {
            channel = "email", recipient = new { email = "ada@example.com" },
            content = new { title = "Hi", body = "x", actions = new[] { new { label = "Go", url = "/go" } } },
        }), 400);
        Assert.Equal(["content.actions"], actions.ErrorKeys());
        var thread = await ExpectAsync(await tenant.Http.PostJsonAsync(Api.Send, new
        {
            channel = "sms", recipient = new { phone = "+14155550100" }, thread = "t", content = new { body = "x" },
        }), 400);
        Assert.Equal(["thread"], thread.ErrorKeys());

        var id = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "ada@example.com" }, content = new { title = "Hi by title", body = "x" } });
        await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Contains("Hi by title", (await service.SandboxContentAsync(id)).ToJsonString());
    }

    [Fact]
    public async Task A_template_with_actions_renders_them_and_a_refused_action_link_is_a_400_at_save_and_a_failure_at_delivery()
    {
        var tenant = await service.NewTenantAsync(null);
        var refused = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new
        {
            key = "bad", channel = "in_app", locale = "en",
            parts = new { title = "t", body = "b", actions = new[] { new { label = "Go", url = "javascript:{{x}}" } } },
        }), 400);
        Assert.Equal(["parts.actions[0].url"], refused.ErrorKeys());

        await tenant.Http.CreateTemplateAsync(new
        {
            key = "order", channel = "in_app", locale = "en",
            parts = new { title = "Order {{id}}", body = "Shipped", actions = new[] { new { label = "Track", url = "{{link}}" } } },
        });
        var good = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = "ada" }, template = "order", data = new { id = 1, link = "https://shop.example/1" } });
        var bad = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = "ada" }, template = "order", data = new { id = 2, link = "javascript:alert(1)" } });
        await service.Ledger.WaitForAsync(good, "sent");
        await service.Ledger.WaitForAsync(bad, "failed");
        var status = (await tenant.Http.StatusAsync(bad)).ToJsonString();
        Assert.Contains("unsafe_link: parts.actions[0].url", status);
        Assert.DoesNotContain("alert(1)", status);

        var user = await service.UserClientAsync(tenant, "ada");
        var item = Assert.Single((await user.GetFromJsonAsync<JsonNode>(EndUsers.Inbox))!["items"]!.AsArray())!;
        Assert.Equal("https://shop.example/1", item["actions"]![0]!["url"]!.GetValue<string>());
    }
}
