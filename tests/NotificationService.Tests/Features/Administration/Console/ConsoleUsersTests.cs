using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// `/admin/users`: a recipient found by email, phone or userId prefix; their page shows the profile, preferences, devices and
/// notifications with timelines (linked to the delivery log); erase needs the userId typed again, then runs the API's erase
/// job (audited as the console session) and shows its progress. Another tenant's user and erase job are not reachable.
/// </summary>
[Collection("console")]
public class ConsoleUsersTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_user_found_by_email_shows_profile_devices_and_notifications_and_is_erased_only_after_typing_the_userId()
    {
        var tenant = await console.NewTenantAsync();
        var userId = "cu-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.IdentifyAsync(userId, new { email = $"{userId}@example.com", phone = "+14155550177", name = "Console User", data = new { plan = "gold" } });
        Assert.True((await tenant.Http.PutAsJsonAsync($"{RecipientsApi.Of(userId)}/preferences", new { channels = new { sms = false } })).IsSuccessStatusCode);
        await tenant.Http.PostJsonAsync("/api/v1/services/devices", new { userId, token = "device-token-of-" + userId, platform = "web" });
        var sent = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId }, content = new { subject = "Hi {{recipient.name}}", body = "b" } });
        await console.Ledger.WaitForAsync(sent, "sent");

        var page = await console.NewPageAsync();
        await page.SignInAsync(console, tenant);
        await page.GetByRole(AriaRole.Navigation).Locator("summary", new() { HasText = "People" }).ClickAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await page.GetByLabel("User id prefix, email or phone").FillAsync($"{userId.ToUpperInvariant()}@EXAMPLE.COM");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#users tbody tr")).ToHaveCountAsync(1);
        await page.AssertFitsPhoneWidthAsync();
        await page.SetViewportSizeAsync(1280, 900);
        await page.GetByRole(AriaRole.Link, new() { Name = userId }).ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"User {userId}");
        await Assertions.Expect(page.Locator("#profile")).ToContainTextAsync("Console User");
        await Assertions.Expect(page.Locator("#profile")).ToContainTextAsync("gold");
        await Assertions.Expect(page.Locator("#preferences tr[data-category=''] td[data-channel=sms]")).ToHaveTextAsync("off, own choice");
        await Assertions.Expect(page.Locator("#devices")).ToContainTextAsync("device-token-of-");
        var row = page.Locator($"#user-notifications tr[data-notification='{sent}']");
        await row.Locator("summary").ClickAsync();
        await Assertions.Expect(row.Locator(".timeline li").Last).ToContainTextAsync("sent");
        await page.AssertFitsPhoneWidthAsync();
        await page.SetViewportSizeAsync(1280, 900);

        // A confirmation that is not the userId erases nothing.
        var form = page.Locator("#erase-form");
        await form.GetByLabel($"Type the userId {userId} to confirm").FillAsync(userId + "x");
        await form.GetByRole(AriaRole.Button, new() { Name = "Erase user" }).ClickAsync();
        await Assertions.Expect(page.Locator("#err-confirm")).ToContainTextAsync("Type the userId exactly");
        Assert.NotNull(await tenant.Http.ProfileAsync(userId));

        await form.GetByLabel($"Type the userId {userId} to confirm").FillAsync(userId);
        await form.GetByRole(AriaRole.Checkbox).CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Erase user" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync($"Erase of {userId} started (blocked from now on)");
        await Eventually.Async(async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Refresh" }).ClickAsync();
            return await page.Locator("#erasure-status").TextContentAsync() == "completed";
        }, "the erase job to show completed", TimeSpan.FromSeconds(60));
        await Assertions.Expect(page.Locator("#erasure-counts")).ToContainTextAsync("notifications 1");

        Assert.Null(await tenant.Http.ProfileAsync(userId));
        Assert.Equal(409, (int)(await tenant.Http.PutProfileAsync(userId, new { name = "Back" })).StatusCode);
        var audit = (await tenant.Http.GetFromJsonAsync<JsonNode>("/api/v1/admin/audit?action=user.erase"))!["items"]!.AsArray();
        Assert.StartsWith(await console.OwnerActorAsync(tenant), Assert.Single(audit)!["actor"]!.GetValue<string>());
        Assert.Null((await tenant.Http.StatusAsync(sent))["recipient"]!["userId"]);
    }

    [ChromiumFact]
    public async Task Users_are_found_by_phone_and_userId_prefix_and_another_tenants_user_and_erase_job_are_out_of_reach()
    {
        var (tenant, other) = (await console.NewTenantAsync(null), await console.NewTenantAsync(null));
        var prefix = "pre-" + Guid.NewGuid().ToString("N")[..6];
        await tenant.Http.IdentifyAsync(prefix + "-a", new { phone = "+14155550188", name = "Phone Person" });
        await tenant.Http.IdentifyAsync(prefix + "-b", new { name = "Second" });
        await other.Http.IdentifyAsync("theirs", new { name = "Other Tenant Person" });
        var theirJob = await Privacy.PrivacyApi.EraseAsync(other.Http, "theirs-too");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/users?q=%2B14155550188");
        await Assertions.Expect(page.Locator("#users")).ToContainTextAsync("Phone Person");
        await page.GotoAsync($"/admin/users?q={prefix}");
        await Assertions.Expect(page.Locator("#users tbody tr")).ToHaveCountAsync(2);

        await page.GotoAsync("/admin/users?user=theirs");
        await Assertions.Expect(page.Locator("#no-profile")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Other Tenant Person");
        var response = await page.GotoAsync($"/admin/users?erasure={theirJob}");
        Assert.Equal(404, response!.Status);
    }
}
