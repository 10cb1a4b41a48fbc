using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The chat channel in the console: a Slack provider is added through its form (the bot token write-only), a chat
/// template's rich parts are edited as JSON beside its text (bad JSON named on its field), and a delivery's detail shows
/// where the message went (never a webhook's token) and the platform's message id. axe-core finds nothing on these pages.
/// </summary>
[Collection("console")]
public class ConsoleChatTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_Slack_provider_is_added_by_its_form_a_templates_blocks_are_edited_as_json_and_a_delivery_shows_its_message_id()
    {
        var tenant = await console.NewTenantAsync("{}", "chat");
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/providers");
        await page.Locator("#kind").SelectOptionAsync("slack");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add provider" }).ClickAsync();
        await Assertions.Expect(page.Locator("#channel")).ToHaveValueAsync("chat");
        await page.AssertAccessibleAsync();
        await page.Locator("#name").FillAsync("Ops Slack");
        await page.Locator("#x-botToken").FillAsync("xoxb-console-token-never-shown");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/providers$"));
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Ops Slack");
        Assert.DoesNotContain("xoxb-console-token-never-shown", await page.ContentAsync());

        var template = await tenant.Http.CreateTemplateAsync(new { key = "deploy", channel = "chat", locale = "en", parts = new { text = "Deployed {{version}}" } });
        await page.GotoAsync($"/admin/templates/{template["id"]!.GetValue<string>()}");
        await page.Locator("#part-blocks").FillAsync("[{\"type\": \"section\"");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Assertions.Expect(page.Locator("#errors-blocks li")).ToHaveTextAsync("blocks is an array of objects.");
        await page.Locator("#part-blocks").FillAsync("""[{"type": "section", "text": {"type": "mrkdwn", "text": "*{{version}}* is out"}}]""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Saved as version 2");
        await Assertions.Expect(page.Locator("#part-blocks")).ToContainTextAsync("{{version}}");
        await page.AssertAccessibleAsync();
        var saved = await (await tenant.Http.GetAsync($"{TemplateApi.Root}/{template["id"]}")).JsonAsync();
        Assert.Equal("*{{version}}* is out", saved["parts"]!["blocks"]![0]!["text"]!["text"]!.GetValue<string>());

        var sent = await tenant.Http.SendOkAsync(new { channel = "chat", recipient = new { chat = new { slack = new { channelId = "C0CONSOLE01" } } }, content = new { body = "hi" } });
        var status = await tenant.Http.WaitForStatusAsync(sent, "sent");
        await page.GotoAsync($"/admin/notifications/{sent}");
        await Assertions.Expect(page.Locator("#provider-message-id")).ToHaveTextAsync(status["providerMessageId"]!.GetValue<string>());
        await Assertions.Expect(page.Locator("#recipient")).ToHaveTextAsync("Slack channel C0CONSOLE01");
        await page.AssertAccessibleAsync();
    }
}
