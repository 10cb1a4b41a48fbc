using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Topics in the console: created, members pasted in and taken out, a send to the topic followed to its end, all as the API reads it.</summary>
[Collection("console")]
public class ConsoleTopicTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_topic_is_created_its_members_pasted_and_a_send_to_it_is_followed_to_the_end()
    {
        var tenant = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin");
        await page.Locator("nav").Locator("summary", new() { HasText = "People" }).ClickAsync();
        await page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Topics" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/topics$"));

        var form = page.Locator("#topic-form");
        await form.GetByLabel("Key").FillAsync("bad key");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create topic" }).ClickAsync();
        await Assertions.Expect(page.Locator("#err-key")).ToContainTextAsync("letters, digits");
        await form.GetByLabel("Key").FillAsync("building-12");
        await form.GetByLabel("Name (optional)").FillAsync("Building 12");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create topic" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Topic building-12 created");

        var ids = page.GetByLabel("userIds (paste a list", new() { Exact = false });
        await ids.FillAsync("ann\nben, cat  dan\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add members" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("4 added; 4 members");
        await ids.FillAsync("dan");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove members" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("1 removed; 3 members");
        await Assertions.Expect(page.Locator("#members tbody tr")).ToHaveCountAsync(3);
        await ids.FillAsync(" , ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add members" }).ClickAsync();
        await Assertions.Expect(page.Locator("#err-userIds")).ToContainTextAsync("At least one userId");
        Assert.Equal(3, (await tenant.Http.GetFromJsonAsync<JsonNode>(TopicsApi.Of("building-12")))!["memberCount"]!.GetValue<long>());

        await page.GetByLabel("Message").FillAsync("Water off tomorrow 9–12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send to 3 members" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Sent");
        await Assertions.Expect(page.Locator("#bar")).ToHaveAttributeAsync("value", "100", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-progress-label]")).ToHaveTextAsync("100 % · 3 of 3 members · 3 notifications · completed");
        await Assertions.Expect(page.Locator("form[data-cancel-job]")).ToHaveCountAsync(0);
        var fanOut = Guid.Parse(new Uri(page.Url).Query.Split("fanOut=")[1].Split('&')[0]);
        Assert.Equal("completed", (await tenant.Http.GetFromJsonAsync<JsonNode>(TopicsApi.FanOut(fanOut)))!["status"]!.GetValue<string>());
        Assert.Equal(["ann", "ben", "cat"], (await console.FanOutNotificationsAsync(fanOut)).Select(n => n.UserId));
        await page.AssertFitsPhoneWidthAsync();

        await page.GotoAsync("/admin/topics");
        await Assertions.Expect(page.Locator("#topics tr[data-key='building-12'] [data-members]")).ToHaveTextAsync("3");

        var intruder = await console.NewTenantAsync(null);
        var other = await console.NewPageAsync();
        await other.SignInAsync(console, intruder);
        Assert.Equal(404, (await other.GotoAsync("/admin/topics?key=building-12"))!.Status);
        Assert.Equal(404, (await other.GotoAsync($"/admin/topics?handler=Progress&fanOut={fanOut}"))!.Status);
    }
}
