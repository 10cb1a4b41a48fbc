using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.Templates;

/// <summary>
/// Template parts an end user's app follows or loads (in_app `actionUrl` and `icon`, push `imageUrl`) are https URLs or
/// relative paths (http URLs too where the tenant allows them: <see cref="HttpLinkSettingTests"/>): anything else is a 400 naming the part at save, and a variable that renders one anyway fails
/// the notification permanently (`unsafe_link`) instead of reaching the inbox; a test send with such data is a 422.
/// </summary>
[Collection("service")]
public class LinkSafetyTests(ServiceFixture service)
{
    private static object InApp(string key, string actionUrl, string? icon = null)
    {
        var parts = new JsonObject { ["title"] = "Order {{id}}", ["body"] = "Shipped", ["actionUrl"] = actionUrl };
        if (icon is not null) parts["icon"] = icon;
        return new { key, channel = "in_app", locale = "en", parts };
    }

    [Theory]
    [InlineData("in_app", "actionUrl", "javascript:alert(1)")]
    [InlineData("in_app", "actionUrl", "JavaScript:alert(document.cookie)")]
    [InlineData("in_app", "actionUrl", "java\tscript:alert(1)")]
    [InlineData("in_app", "actionUrl", " javascript:alert(1)")]
    [InlineData("in_app", "actionUrl", "javascript:{{payload}}")]
    [InlineData("in_app", "actionUrl", "//evil.example/login")]
    [InlineData("in_app", "actionUrl", "/\\evil.example")]
    [InlineData("in_app", "actionUrl", "https://app.example@evil.example/")]
    [InlineData("in_app", "icon", "data:image/svg+xml,<svg onload=alert(1)>")]
    [InlineData("push", "imageUrl", "vbscript:msgbox(1)")]
    [InlineData("push", "imageUrl", "file:///etc/passwd")]
    public async Task A_link_part_that_is_not_https_http_or_relative_is_refused_at_save_naming_the_part(string channel, string part, string value)
    {
        var tenant = await service.NewTenantAsync();
        var parts = new JsonObject { ["title"] = "Hi", ["body"] = "Body", [part] = value };
        var problem = await ExpectAsync(await tenant.Http.PostJsonAsync(Root, new { key = "links", channel, locale = "en", parts }), 400);
        Assert.Equal([$"parts.{part}"], problem.ErrorKeys());
        Assert.Matches("^(Only https: or http: links|Only https: links|A link has no)", problem.Error($"parts.{part}"));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from templates where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Https_http_relative_and_variable_links_are_accepted_and_a_new_version_is_held_to_the_same_rule()
    {
        var tenant = await service.NewTenantAsync();
        await ExpectAsync(await tenant.Http.PutJsonAsync(HttpLinkSettingTests.Settings, new { allowHttpLinks = true }), 200);
        foreach (var (key, actionUrl, icon) in new[]
        {
            ("https", "https://app.example/orders/{{id}}", "https://cdn.example/truck.png"),
            ("http", "http://intranet.example/orders/{{id}}", "truck"),
            ("relative", "/orders/{{id}}", "lock"),
            ("variable", "{{link}}", "{{icon}}"),
        })
            await tenant.Http.CreateTemplateAsync(InApp(key, actionUrl, icon));
        var push = new { key = "pic", channel = "push", locale = "en", parts = new { title = "New", imageUrl = "https://cdn.example/{{image}}.png" } };
        var created = await tenant.Http.CreateTemplateAsync(push);

        var update = await tenant.Http.PutJsonAsync($"{Root}/{created.Id()}", new { parts = new { title = "New", imageUrl = "javascript:alert(1)" } });
        var problem = await ExpectAsync(update, 400);
        Assert.Contains("'javascript:' is refused", problem.Error("parts.imageUrl"));
    }

    [Fact]
    public async Task A_variable_that_renders_a_refused_link_fails_the_notification_and_the_inbox_never_gets_it()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.CreateTemplateAsync(InApp("order", "{{link}}", "truck"));

        var bad = await tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId = "ada" }, template = "order", data = new { id = 1, link = "javascript:alert(1)" },
        });
        var good = await tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId = "ada" }, template = "order", data = new { id = 2, link = "https://app.example/orders/2" },
        });
        await service.Ledger.WaitForAsync(bad, "failed");
        await service.Ledger.WaitForAsync(good, "sent");

        var status = await tenant.Http.StatusAsync(bad);
        Assert.Equal("failed", status["status"]!.GetValue<string>());
        Assert.Contains("unsafe_link: parts.actionUrl", status.ToJsonString());
        Assert.DoesNotContain("alert(1)", status.ToJsonString());   // the reason names the part, not the value

        var user = await service.UserClientAsync(tenant, "ada");
        var items = (await user.GetFromJsonAsync<JsonNode>(EndUsers.Inbox))!["items"]!.AsArray();
        var item = Assert.Single(items);
        Assert.Equal(good, Guid.Parse(item!["id"]!.GetValue<string>()));
        Assert.Equal("https://app.example/orders/2", item["actionUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_test_send_whose_data_renders_a_refused_link_is_a_422_naming_the_part()
    {
        var tenant = await service.NewTenantAsync(null);
        var created = await tenant.Http.CreateTemplateAsync(InApp("order", "{{link}}"));
        var response = await tenant.Http.PostJsonAsync($"{Root}/{created.Id()}/test-send",
            new { recipient = new { userId = "ada" }, data = new { id = 1, link = "data:text/html,<script>alert(1)</script>" } });
        var problem = await ExpectAsync(response, 422);
        Assert.Contains("'data:' is refused", problem.Error("parts.actionUrl"));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }
}
