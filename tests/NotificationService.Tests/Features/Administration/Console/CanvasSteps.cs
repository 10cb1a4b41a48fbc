using Microsoft.Playwright;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The workflow canvas as a person drives it: add a step to a lane, fill a card's field, read the JSON it wrote.</summary>
public static class CanvasSteps
{
    /// <summary>A new tenant with the api-guide's escalation published (and what <paramref name="before"/> adds), its
    /// workflow page open.</summary>
    public static async Task<(TestTenant Tenant, IPage Page)> OpenEscalationAsync(this ConsoleFixture console, Func<HttpClient, Task>? before = null)
    {
        var tenant = await console.NewTenantAsync();
        await tenant.Http.AddEscalationTemplatesAsync();
        await tenant.Http.PublishWorkflowAsync(WorkflowApi.Escalation);
        if (before is not null) await before(tenant.Http);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/workflows/edit?key=order-update");
        return (tenant, page);
    }

    /// <summary>Adds a step of <paramref name="type"/> at the end of the lane labelled <paramref name="lane"/>.</summary>
    public static async Task AddStepAsync(this IPage page, string lane, string type)
    {
        await page.GetByLabel($"Step to add ({lane})", new() { Exact = true }).SelectOptionAsync(type);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Add step to {lane}", Exact = true }).ClickAsync();
    }

    /// <summary>Types into a field and leaves it, as a person does (the canvas takes the change when the field is left).</summary>
    public static async Task SetAsync(this IPage page, string fieldId, string value)
    {
        var field = page.Locator($"#{fieldId}");
        await field.FillAsync(value);
        await field.PressAsync("Tab");
    }

    /// <summary>The JSON of the Advanced tab (the canvas is shown again afterwards).</summary>
    public static async Task<string> JsonAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Advanced (JSON)" }).ClickAsync();
        var json = await page.GetByLabel("Definition (JSON)").InputValueAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Canvas" }).ClickAsync();
        return json;
    }

    /// <summary>The focused element's id or, for a button, its accessible name.</summary>
    public static Task<string> FocusedAsync(this IPage page) =>
        page.EvaluateAsync<string>("() => document.activeElement?.id || document.activeElement?.getAttribute('aria-label') || ''");
}
