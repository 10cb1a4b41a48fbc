using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The workflow page's canvas: each step a card carrying its id, drawn from the JSON of the Advanced tab; text typed
/// there comes back byte for byte, a canvas edit writes the JSON it means, and a step's problems (the API's validator)
/// show on that step's card while the server still refuses to publish them.
/// </summary>
[Collection("console")]
public class ConsoleWorkflowCanvasTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Json_round_trips_through_the_canvas_and_an_invalid_condition_shows_on_its_step_and_is_not_published()
    {
        var tenant = await console.NewTenantAsync();
        await tenant.Http.AddEscalationTemplatesAsync();
        await tenant.Http.PublishWorkflowAsync(WorkflowApi.Escalation);
        var page = await console.NewPageAsync();
        var scriptErrors = page.RecordScriptErrors();
        await page.SignInAtAsync(console, tenant, "/admin/workflows/edit?key=order-update");
        var canvas = page.Locator("#workflow-canvas");
        await Assertions.Expect(canvas.Locator("[data-step-id]")).ToHaveCountAsync(7);
        await Assertions.Expect(canvas.Locator("[data-step-id='vip'] [data-step-id='thanks']")).ToHaveCountAsync(1);

        // Text typed in the Advanced tab, in its own spacing, shows in the canvas and comes back unchanged.
        var typed = WorkflowApi.Escalation.Replace("\"PT30M\"", "\"PT45M\"").Replace("\"name\": \"Order update\"", "\"name\":   \"Order update\"");
        var json = page.GetByLabel("Definition (JSON)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Advanced (JSON)" }).ClickAsync();
        await json.FillAsync(typed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Canvas" }).ClickAsync();
        await Assertions.Expect(page.Locator("#step-wait-read-timeout")).ToHaveValueAsync("PT45M");
        await page.GetByRole(AriaRole.Button, new() { Name = "Advanced (JSON)" }).ClickAsync();
        Assert.Equal(typed, await json.InputValueAsync());

        // A canvas edit writes exactly that change into the JSON, which then round-trips byte for byte too.
        await page.GetByRole(AriaRole.Button, new() { Name = "Canvas" }).ClickAsync();
        await page.Locator("#step-wait-read-timeout").FillAsync("PT1H");
        await page.Locator("#step-wait-read-timeout").PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Advanced (JSON)" }).ClickAsync();
        var written = await json.InputValueAsync();
        var expected = JsonNode.Parse(typed)!;
        expected["steps"]![1]!["timeout"] = "PT1H";
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(written)), written);
        await page.GetByRole(AriaRole.Button, new() { Name = "Canvas" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Advanced (JSON)" }).ClickAsync();
        Assert.Equal(written, await json.InputValueAsync());

        // An invalid condition is shown on its own card, and saving and publishing it is refused.
        await page.GetByRole(AriaRole.Button, new() { Name = "Canvas" }).ClickAsync();
        await page.Locator("#step-vip-when-0").FillAsync("recipient.data.tier ==");
        await page.Locator("#step-vip-when-0").PressAsync("Tab");
        await Assertions.Expect(canvas.Locator("[data-step-id='vip'] > .wf-problems")).ToContainTextAsync("not a JMESPath expression");
        await Assertions.Expect(canvas.Locator(".wf-problems")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and publish" }).ClickAsync();
        await Assertions.Expect(page.Locator("#workflow-errors li")).Not.ToHaveCountAsync(0);
        var stored = await tenant.Http.GetJsonAsync($"{WorkflowApi.Admin}/order-update");
        Assert.Equal((1, 1), (stored["publishedVersion"]!.GetValue<int>(), stored["latestVersion"]!.GetValue<int>()));

        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            await page.SetViewportSizeAsync(1366, 900);
            await page.AssertAccessibleAsync();
            await page.AssertFitsPhoneWidthAsync();
            await page.AssertAccessibleAsync();
        }
        Assert.Empty(scriptErrors);
    }
}
