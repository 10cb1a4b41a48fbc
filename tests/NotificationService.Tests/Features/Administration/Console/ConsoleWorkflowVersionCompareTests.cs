using Microsoft.Playwright;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The workflow page compares two versions as the template page does: the definitions line by line.</summary>
[Collection("console")]
public class ConsoleWorkflowVersionCompareTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Two_picked_versions_show_what_changed_between_them()
    {
        var (_, page) = await console.OpenEscalationAsync(before: async http => await TemplateApi.ExpectAsync(await http.PutAsync(
            $"{WorkflowApi.Admin}/order-update", WorkflowApi.Json(WorkflowApi.Escalation.Replace("\"PT30M\"", "\"PT45M\""))), 200));
        var scriptErrors = page.RecordScriptErrors();

        await page.GetByLabel("Compare version").SelectOptionAsync("1");
        await page.GetByLabel("with version").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare", Exact = true }).ClickAsync();
        var diff = page.GetByRole(AriaRole.Region, new() { Name = "Changes from v1 to v2" });
        await Assertions.Expect(diff.Locator(".removed")).ToHaveTextAsync(["- \"timeout\": \"PT30M\","]);
        await Assertions.Expect(diff.Locator(".added")).ToHaveTextAsync(["+ \"timeout\": \"PT45M\","]);

        // The same version on both sides: nothing removed, nothing added.
        await page.GotoAsync("/admin/workflows/edit?key=order-update&from=2&to=2");
        await Assertions.Expect(page.Locator("#diff .kept")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#diff .added, #diff .removed")).ToHaveCountAsync(0);

        await page.GotoAsync("/admin/workflows/edit?key=order-update&from=1&to=2");
        await page.AssertAccessibleInEachSchemeAndWidthAsync();
        Assert.Empty(scriptErrors);
    }
}
