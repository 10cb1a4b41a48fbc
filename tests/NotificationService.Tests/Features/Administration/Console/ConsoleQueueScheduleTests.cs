using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The queue page's live counts and its scheduled sends, cancelled through the ledger like the API's cancel.</summary>
[Collection("console")]
public class ConsoleQueueScheduleTests(ConsoleFixture console)
{
    private static object ScheduledEmail(string to) => new
    {
        channel = "email", recipient = new { email = to }, content = new { subject = "Later", body = "Hello later" },
        sendAt = DateTimeOffset.UtcNow.AddHours(2),
    };

    [ChromiumFact]
    public async Task The_counts_refresh_without_a_reload_and_a_scheduled_send_is_cancelled_from_the_queue_page()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/queues?queue=email");
        var scheduledCount = page.Locator("#queue-stats tr[data-queue=email] [data-stat=scheduled]");
        await Assertions.Expect(scheduledCount).ToHaveTextAsync("0");

        var id = await tenant.Http.SendOkAsync(ScheduledEmail("later@example.com"));
        await Assertions.Expect(scheduledCount).ToHaveTextAsync("1");   // console.js polled the counts; the page was not reloaded

        await page.ReloadAsync();
        var row = page.Locator("#scheduled tbody tr", new() { HasText = "later@example.com" });
        await row.GetByRole(AriaRole.Button, new() { Name = $"Cancel send {id}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Scheduled send {id} cancelled");
        await Assertions.Expect(page.Locator("#scheduled")).ToHaveCountAsync(0);
        Assert.Equal("cancelled", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());
        Assert.Contains("notification.cancel", await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=notification"));
    }

    [ChromiumFact]
    public async Task Another_tenants_scheduled_send_is_not_listed_and_cannot_be_cancelled()
    {
        var owner = await console.NewTenantAsync(channels: "email");
        var id = await owner.Http.SendOkAsync(ScheduledEmail("owner-later@example.com"));

        var intruder = await console.NewTenantAsync(channels: "email");
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, intruder, "/admin/queues?queue=email");
        Assert.DoesNotContain("owner-later@example.com", await page.ContentAsync());
        var status = await page.EvaluateAsync<int>("""
            async id => (await fetch("/admin/queues?handler=Cancel", {
                method: "POST", credentials: "same-origin",
                headers: { "X-CSRF-Token": document.querySelector("input[name=__csrf]").value, "Content-Type": "application/x-www-form-urlencoded" },
                body: new URLSearchParams({ queue: "email", id }) })).status
            """, id.ToString());
        Assert.Equal(404, status);
        Assert.NotEqual("cancelled", (await owner.Http.StatusAsync(id))["status"]!.GetValue<string>());
    }
}
