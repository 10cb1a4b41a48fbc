using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// Building a workflow on the canvas without touching its JSON: the api-guide's escalation made with insert and the step
/// forms runs as the one made from the guide's JSON; remove and reorder write the document they mean; and a keyboard
/// alone inserts a step, fills its form and saves.
/// </summary>
[Collection("console")]
public class ConsoleWorkflowBuildTests(ConsoleFixture console)
{
    /// <summary>A tenant ready for the escalation: its templates, a gold recipient, an email provider that refuses.</summary>
    private async Task<TestTenant> EscalationTenantAsync()
    {
        var tenant = await console.NewTenantAsync(null);
        await console.AddProviderAsync(tenant.Id, "email", "sandbox", """{"permanentRate":1}""");
        await console.AddProviderAsync(tenant.Id, "sms", "sandbox", "{}");
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com", phone = "+14155550100", name = "Ada", data = new { tier = "gold" } });
        await tenant.Http.AddEscalationTemplatesAsync();
        return tenant;
    }

    [ChromiumFact]
    public async Task The_escalation_built_on_the_canvas_is_the_guides_document_and_runs_as_the_one_made_from_its_json()
    {
        var fromJson = await EscalationTenantAsync();
        await fromJson.Http.PublishWorkflowAsync(WorkflowApi.Escalation);
        var onCanvas = await EscalationTenantAsync();
        var page = await console.NewPageAsync();
        var scriptErrors = page.RecordScriptErrors();
        await page.SignInAtAsync(console, onCanvas, "/admin/workflows/edit");

        await page.SetAsync("workflow-key", "order-update");
        await page.SetAsync("workflow-name", "Order update");
        await page.SetAsync("workflow-category", "orders");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove wait" }).ClickAsync();   // the new page's example step
        const string top = "Steps of Order update";
        await page.AddStepAsync(top, "send");
        await Fill(page, "send-1", ("id", "inbox"), ("channel", "in_app"), ("template", "order-update"));
        await page.AddStepAsync(top, "waitFor");
        await Fill(page, "waitFor-1", ("id", "wait-read"), ("step", "inbox"), ("timeout", "PT30M"));
        await page.AddStepAsync("wait-read: on timeout", "send");
        await Fill(page, "send-1", ("id", "mail"), ("template", "order-update-email"));
        await page.AddStepAsync("wait-read: on timeout", "waitFor");
        await Fill(page, "waitFor-1", ("id", "wait-mail"), ("step", "mail"), ("status", "failed, skipped"));
        await page.AddStepAsync("wait-mail: then", "send");
        await Fill(page, "send-1", ("id", "text"), ("channel", "sms"), ("template", "order-update-sms"));
        await page.AddStepAsync(top, "branch");
        await Fill(page, "branch-1", ("id", "vip"));
        await page.SetAsync("step-vip-when-0-field", "recipient.data.tier");   // the condition builder, not JMESPath typed
        await page.SetAsync("step-vip-when-0-value", "gold");
        await page.AddStepAsync("vip: when (arm 1)", "send");
        await Fill(page, "send-1", ("id", "thanks"), ("template", "gold-thanks"));

        var built = await page.JsonAsync();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(WorkflowApi.Escalation), JsonNode.Parse(built)), built);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and publish" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Version 1 is published");

        var (apiRun, canvasRun) = (await RunAsync(fromJson), await RunAsync(onCanvas));
        Assert.Equal(Outcome(apiRun), Outcome(canvasRun));
        Assert.Equal(await SentAsync(fromJson), await SentAsync(onCanvas));
        Assert.Contains("thanks", Outcome(canvasRun)); // the built condition took its arm: Ada is gold
        Assert.Empty(scriptErrors);
    }

    [ChromiumFact]
    public async Task Remove_and_reorder_write_the_document_they_mean_and_keep_the_focus_on_the_button()
    {
        var (_, page) = await console.OpenEscalationAsync();
        var expected = JsonNode.Parse(WorkflowApi.Escalation)!;

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove thanks" }).ClickAsync();
        expected["steps"]![2]!["arms"]![0]!["steps"]!.AsArray().Clear();
        await ExpectJsonAsync(page, expected);

        await page.GetByRole(AriaRole.Button, new() { Name = "Move vip up" }).ClickAsync();
        Assert.Equal("Move vip up", await page.FocusedAsync());
        var steps = expected["steps"]!.AsArray();
        var vip = steps[2]!;
        steps.RemoveAt(2);
        steps.Insert(1, vip);
        await ExpectJsonAsync(page, expected);

        await page.GetByRole(AriaRole.Button, new() { Name = "Move mail down" }).ClickAsync();
        var onTimeout = expected["steps"]![2]!["onTimeout"]!.AsArray();
        var mail = onTimeout[0]!;
        onTimeout.RemoveAt(0);
        onTimeout.Add(mail);
        await ExpectJsonAsync(page, expected);
    }

    [ChromiumFact]
    public async Task A_keyboard_alone_inserts_a_step_fills_its_form_and_saves()
    {
        var (tenant, page) = await console.OpenEscalationAsync();
        await Assertions.Expect(page.Locator("#workflow-canvas [data-step-id]")).ToHaveCountAsync(7);

        var addTo = await page.GetByLabel("Step to add (Steps of Order update)", new() { Exact = true }).GetAttributeAsync("id");
        await TabToAsync(page, addTo!);   // past every card and lane: the workflow's own list ends the canvas
        await page.Keyboard.PressAsync("ArrowDown");   // send → delay
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Add step to Steps of Order update", await page.FocusedAsync());
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("step-delay-1-id", await page.FocusedAsync());   // the new card's first field
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("pause");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("step-pause-for", await page.FocusedAsync());   // the card was redrawn under its new id; Tab went on
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("PT2H");
        await page.Keyboard.PressAsync("Tab");
        await TabToAsync(page, "Save draft", byText: true);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Saved as version 2");

        var saved = (await tenant.Http.GetJsonAsync($"{WorkflowApi.Admin}/order-update/versions/2"))["definition"]!;
        var expected = JsonNode.Parse(WorkflowApi.Escalation)!;
        expected["steps"]!.AsArray().Add(JsonNode.Parse("""{"id": "pause", "type": "delay", "for": "PT2H"}"""));
        Assert.True(JsonNode.DeepEquals(expected, saved), saved.ToJsonString());
    }

    private static async Task Fill(IPage page, string stepId, params (string Field, string Value)[] fields)
    {
        foreach (var (field, value) in fields)
        {
            await page.SetAsync($"step-{stepId}-{field}", value);
            if (field == "id") stepId = value;
        }
    }

    private static async Task ExpectJsonAsync(IPage page, JsonNode expected)
    {
        var json = await page.JsonAsync();
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json)), json);
    }

    /// <summary>Presses Tab until the control (by id, accessible name or, with <paramref name="byText"/>, text) has the focus.</summary>
    private static async Task TabToAsync(IPage page, string target, bool byText = false)
    {
        for (var presses = 0; presses < 300; presses++)
        {
            var focused = byText ? await page.EvaluateAsync<string>("() => document.activeElement?.textContent?.trim() ?? ''") : await page.FocusedAsync();
            if (focused == target) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached {target}");
    }

    /// <summary>Triggers Ada's run through the API and drives it to its end: the read's 30 minutes pass (the due job made due).</summary>
    private async Task<JsonNode> RunAsync(TestTenant tenant)
    {
        var run = (await tenant.Http.TriggerAsync("order-update", new { recipients = new[] { "ada" }, data = new { orderId = "1234" } })).Single();
        await tenant.Http.WaitForWaitAsync(run, "wait-read");
        await console.MakeDueAsync(run, "timeout");
        return await tenant.Http.WaitForRunAsync(run, "completed");
    }

    /// <summary>What a run did: each step's state and how many notifications it made, then its timeline's events.</summary>
    private static string Outcome(JsonNode run) =>
        string.Join(" ", run["steps"]!.AsArray().Select(s => $"{s.Text("stepId")}:{s.Text("state")}:{s!["notificationIds"]!.AsArray().Count}")) + " | " +
        string.Join(" ", run["timeline"]!.AsArray().Select(e => $"{e.Text("stepId")}:{e.Text("what")}"));

    /// <summary>The tenant's notifications: channel and template of each.</summary>
    private Task<string?> SentAsync(TestTenant tenant) => console.ScalarAsync<string>("""
        select string_agg(channel || '/' || template_key, ' ' order by template_key, channel) from notifications where tenant_id = $1
        """, tenant.Id);
}
