using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace NotificationService.Tests.Features.People.InboxSdk;

/// <summary>The preferences panel sets how often each category's digests come: weekly on a day at a time, saved as the
/// user's `digests` preference; "as the app sends them" removes the choice.</summary>
[Collection("inbox-browser")]
public class InboxDigestCadenceTests(InboxBrowserFixture fixture)
{
    [ChromiumFact]
    public async Task A_weekly_cadence_chosen_in_the_panel_is_the_users_digest_preference_and_can_be_removed()
    {
        var tenant = await fixture.AppTenantAsync(fixture.ServiceUrl);
        await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "comments", name = "Comments" });
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await page.OpenAsync();
        await page.Locator("notification-inbox [part=preferences-button]").ClickAsync();

        var day = page.GetByLabel("Comments: Day");
        await Expect(day).ToBeHiddenAsync();
        await page.GetByLabel("Comments: How often").SelectOptionAsync("weekly");
        await Expect(page.Locator("notification-inbox .note[data-for=digests]")).ToHaveTextAsync("Saved");
        await day.SelectOptionAsync("fri");
        await page.GetByLabel("Comments: At").FillAsync("17:30");
        await page.GetByLabel("Comments: At").DispatchEventAsync("change");
        var user = await fixture.UserClientAsync(tenant, "ada");
        var chosen = await Eventually.Async(async () => (await user.GetFromJsonAsync<JsonNode>("/api/v1/users/me/preferences"))!["digests"]!["comments"],
            c => c?.ToJsonString() == """{"cadence":"weekly","at":"17:30","day":"fri"}""", "the weekly cadence saved");
        Assert.NotNull(chosen);

        await page.GetByLabel("Comments: How often").SelectOptionAsync("");
        await Eventually.Async(async () => (await user.GetFromJsonAsync<JsonNode>("/api/v1/users/me/preferences"))!["digests"]!.AsObject().Count == 0,
            "the cadence removed");
    }
}
