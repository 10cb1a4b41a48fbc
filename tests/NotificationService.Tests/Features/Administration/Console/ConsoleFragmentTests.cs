using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Partials and layouts managed from the console through the API's store and validation, audited as the API is.</summary>
[Collection("console")]
public class ConsoleFragmentTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_partial_is_created_edited_and_deleted_and_a_layout_without_a_body_is_refused_at_its_source()
    {
        var tenant = await console.NewTenantAsync(channels: "sms");
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/partials");
        var form = page.Locator("#fragment-form");
        await form.GetByLabel("Name").FillAsync("signature");
        await form.GetByLabel("Source").FillAsync("-- {{#if team}}The team");   // unclosed block
        var refused = await page.RunAndWaitForResponseAsync(() => form.GetByRole(AriaRole.Button, new() { Name = "Save partial" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(200, refused.Status);
        await Assertions.Expect(page.Locator("#err-source")).ToContainTextAsync("Line 1");
        Assert.Equal(404, (int)(await tenant.Http.GetAsync("/api/v1/admin/templates/partials/signature")).StatusCode);

        await form.GetByLabel("Source").FillAsync("-- The {{team}} team");
        await form.GetByLabel("Description (optional)").FillAsync("sign-off");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save partial" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("partial signature is saved");
        await Assertions.Expect(page.Locator("#fragments tr[data-name=signature]")).ToContainTextAsync("sign-off");
        Assert.Equal("-- The {{team}} team", (await tenant.Http.GetJsonAsync("/api/v1/admin/templates/partials/signature"))["source"]!.GetValue<string>());

        // Creating the same name again is a form error, not a silent overwrite; editing replaces it.
        await page.GotoAsync("/admin/partials");
        await form.GetByLabel("Name").FillAsync("signature");
        await form.GetByLabel("Source").FillAsync("overwritten?");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save partial" }).ClickAsync();
        await Assertions.Expect(page.Locator("#err-name")).ToContainTextAsync("already a partial named 'signature'");
        await page.GotoAsync("/admin/partials");
        await page.Locator("#fragments").GetByRole(AriaRole.Link, new() { Name = "signature" }).ClickAsync();
        await Assertions.Expect(form.GetByLabel("Source")).ToHaveValueAsync("-- The {{team}} team");
        await form.GetByLabel("Source").FillAsync("-- {{team}}");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save partial" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("is saved");
        Assert.Equal("-- {{team}}", (await tenant.Http.GetJsonAsync("/api/v1/admin/templates/partials/signature"))["source"]!.GetValue<string>());

        // A template using it, created through the API, sees it; then the partial is deleted from the console.
        await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("signed", "Hi {{name}} {{> signature}}"));
        page.AcceptConfirmations();   // the delete asks first
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete partial signature" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("partial signature is deleted");
        await Assertions.Expect(page.Locator("#fragments tbody tr")).ToHaveCountAsync(0);
        Assert.Equal(404, (int)(await tenant.Http.GetAsync("/api/v1/admin/templates/partials/signature")).StatusCode);

        await page.GotoAsync("/admin/layouts");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Layouts");
        await form.GetByLabel("Name").FillAsync("brand");
        await form.GetByLabel("Source").FillAsync("<html><body>no message placed</body></html>");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save layout" }).ClickAsync();
        await Assertions.Expect(page.Locator("#err-source")).ToContainTextAsync("{{{body}}}");
        await form.GetByLabel("Source").FillAsync("<html><body><main>{{{body}}}</main></body></html>");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save layout" }).ClickAsync();
        await Assertions.Expect(page.Locator("#fragments tr[data-name=brand]")).ToHaveCountAsync(1);

        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=partial");
        Assert.Contains("partial.save", audit);
        Assert.Contains("partial.delete", audit);
        Assert.Contains(await console.OwnerActorAsync(tenant), audit);
        Assert.Contains("layout.save", await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=layout"));
    }

    [ChromiumFact]
    public async Task Another_tenants_partial_is_a_404_to_open_and_to_delete()
    {
        var owner = await console.NewTenantAsync(null);
        Assert.True((await owner.Http.PutJsonAsync("/api/v1/admin/templates/partials/owned", new { source = "owner's text" })).IsSuccessStatusCode);

        var intruder = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, intruder);
        Assert.Equal(404, (await page.GotoAsync("/admin/partials?name=owned"))!.Status);
        await page.GotoAsync("/admin/partials");
        await Assertions.Expect(page.Locator("#fragments tbody tr")).ToHaveCountAsync(0);
        foreach (var (handler, body) in new[] { ("Delete", "name=owned"), ("Save", "existing=owned&source=taken") })
        {
            var status = await page.EvaluateAsync<int>("""
                async ([handler, body]) => (await fetch(`/admin/partials?handler=${handler}`, {
                    method: "POST", credentials: "same-origin",
                    headers: { "X-CSRF-Token": document.querySelector("input[name=__csrf]").value, "Content-Type": "application/x-www-form-urlencoded" },
                    body })).status
                """, new[] { handler, body });
            Assert.Equal(404, status);
        }
        Assert.Equal("owner's text", (await owner.Http.GetJsonAsync("/api/v1/admin/templates/partials/owned"))["source"]!.GetValue<string>());
    }
}
