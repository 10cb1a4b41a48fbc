using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Notification categories managed from `/admin/categories` through the API's CategoryStore, audited as the API is.</summary>
[Collection("console")]
public class ConsoleCategoryTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_category_is_created_edited_and_deleted_from_the_console_and_each_change_is_what_the_API_reads()
    {
        var tenant = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/categories");
        var form = page.Locator("#category-form");
        await form.GetByLabel("Key").FillAsync("promotions");
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync("Promotions");
        await form.GetByLabel("Description (optional)").FillAsync("Sales and offers");
        await form.GetByLabel("sms", new() { Exact = true }).UncheckAsync();
        await form.GetByLabel("Commercial").CheckAsync();
        await form.GetByLabel("Required").CheckAsync();   // required and commercial together: refused at the commercial box
        var refused = await page.RunAndWaitForResponseAsync(() => form.GetByRole(AriaRole.Button, new() { Name = "Save category" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(200, refused.Status);
        await Assertions.Expect(page.Locator("#err-commercial")).ToContainTextAsync("cannot be commercial");
        Assert.Equal(404, (int)(await tenant.Http.GetAsync("/api/v1/admin/categories/promotions")).StatusCode);
        await Assertions.Expect(form.GetByLabel("sms", new() { Exact = true })).Not.ToBeCheckedAsync();   // the posted form is kept

        await form.GetByLabel("Required").UncheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Save category" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Category promotions saved");
        await Assertions.Expect(page.Locator("#categories tr[data-key=promotions]")).ToContainTextAsync("sms");
        var stored = await tenant.Http.GetJsonAsync("/api/v1/admin/categories/promotions");
        Assert.Equal("Sales and offers", stored["description"]!.GetValue<string>());
        Assert.False(stored["channels"]!["sms"]!.GetValue<bool>());
        Assert.True(stored["channels"]!["email"]!.GetValue<bool>());
        Assert.True(stored["commercial"]!.GetValue<bool>());
        Assert.False(stored["required"]!.GetValue<bool>());

        // The saved category opens in the edit form (the redirect lands there); its key stays.
        await Assertions.Expect(form.GetByLabel("Key")).Not.ToBeEditableAsync();
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync("Offers");
        await form.GetByLabel("Commercial").UncheckAsync();
        await form.GetByLabel("Required").CheckAsync();
        await form.GetByLabel("sms", new() { Exact = true }).CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Save category" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("saved");
        stored = await tenant.Http.GetJsonAsync("/api/v1/admin/categories/promotions");
        Assert.Equal("Offers", stored["name"]!.GetValue<string>());
        Assert.True(stored["required"]!.GetValue<bool>());
        Assert.False(stored["commercial"]!.GetValue<bool>());
        Assert.True(stored["channels"]!["sms"]!.GetValue<bool>());

        page.AcceptConfirmations();   // the delete asks first
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete category promotions" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Category promotions deleted");
        await Assertions.Expect(page.Locator("#categories tbody tr")).ToHaveCountAsync(0);
        Assert.Equal(404, (int)(await tenant.Http.GetAsync("/api/v1/admin/categories/promotions")).StatusCode);

        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=category&targetId=promotions");
        foreach (var action in new[] { "category.create", "category.update", "category.delete" }) Assert.Contains(action, audit);
        Assert.Contains(await console.OwnerActorAsync(tenant), audit);
    }

    [ChromiumFact]
    public async Task Another_tenants_category_is_a_404_to_open_edit_and_delete()
    {
        var owner = await console.NewTenantAsync(null);
        await owner.Http.PostOkAsync("/api/v1/admin/categories", new { key = "owned", name = "Owned" });
        var intruder = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, intruder);
        Assert.Equal(404, (await page.GotoAsync("/admin/categories?key=owned"))!.Status);
        await page.GotoAsync("/admin/categories");
        await Assertions.Expect(page.Locator("#categories tbody tr")).ToHaveCountAsync(0);
        foreach (var (handler, body) in new[] { ("Delete", "key=owned"), ("Save", "existing=owned&name=Taken") })
        {
            var status = await page.EvaluateAsync<int>("""
                async ([handler, body]) => (await fetch(`/admin/categories?handler=${handler}`, {
                    method: "POST", credentials: "same-origin",
                    headers: { "X-CSRF-Token": document.querySelector("input[name=__csrf]").value, "Content-Type": "application/x-www-form-urlencoded" },
                    body })).status
                """, new[] { handler, body });
            Assert.Equal(404, status);
        }
        Assert.Equal("Owned", (await owner.Http.GetJsonAsync("/api/v1/admin/categories/owned"))["name"]!.GetValue<string>());
    }
}
