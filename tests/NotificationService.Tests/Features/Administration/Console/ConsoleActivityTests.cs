using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// What an admin looks at in the first hour (issue 29): the overview's last hour (in flight is only what can still
/// change; a chart the server draws, whose bars are as tall as their counts), every bulk job including API uploads,
/// every queue the service works, and a dead job that says which notification and recipient it was for.
/// </summary>
[Collection("console")]
public class ConsoleActivityTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task The_overview_counts_in_flight_only_what_can_still_change_and_draws_each_channels_hour()
    {
        var tenant = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");
        await console.AddProviderAsync(tenant.Id, "sms", "sandbox", "{}");
        var sms = new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } };
        var sent = await tenant.Http.SendOkAsync(sms);
        var waiting = await tenant.Http.SendOkAsync(new { sms.channel, sms.recipient, sms.content, sendAt = DateTimeOffset.UtcNow.AddHours(1) });
        var cancelled = await tenant.Http.SendOkAsync(new { sms.channel, sms.recipient, sms.content, sendAt = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.True((await tenant.Http.PostAsync($"/api/v1/services/notifications/{cancelled}/cancel", null)).IsSuccessStatusCode);
        var failed = await tenant.Http.SendOkAsync(Api.Email());
        await tenant.Http.WaitForStatusAsync(sent, "sent");
        await tenant.Http.WaitForStatusAsync(failed, "failed");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin");
        var row = page.Locator("#last-hour tr[data-channel=sms]");
        await Assertions.Expect(row.Locator("[data-count=sent]")).ToHaveTextAsync("1");
        await Assertions.Expect(row.Locator("[data-count=in-flight]")).ToHaveTextAsync("1");   // the scheduled one; not the cancelled one
        await Assertions.Expect(row.Locator("[data-count=other]")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#last-hour tr[data-channel=email] [data-count=failed]")).ToHaveTextAsync("1");

        // The chart: an SVG the server drew, named for screen readers, one scale for all channels: one send is a bar a
        // person can see (it was a sliver of a <meter> before), and the email's failure is red.
        var smsChart = page.Locator("#activity figure[data-channel=sms] svg");
        await Assertions.Expect(smsChart).ToHaveAttributeAsync("aria-label", new Regex("1 sent, 0 failed"));
        var bar = smsChart.Locator("rect.sent");
        await Assertions.Expect(bar).ToHaveCountAsync(1);
        Assert.True(double.Parse((await bar.GetAttributeAsync("height"))!, CultureInfo.InvariantCulture) >= 40, "the tallest slot fills the chart");
        Assert.True((await bar.BoundingBoxAsync())!.Height >= 20, "the bar is visible on screen");
        await Assertions.Expect(page.Locator("#activity figure[data-channel=email] svg rect.failed")).ToHaveCountAsync(1);
    }

    [ChromiumFact]
    public async Task Bulk_jobs_uploaded_through_the_API_are_listed_with_their_progress()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        await BulkCsv.AddOrderTemplateAsync(console.Db, tenant.Id);
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email,first_name,order_id\nada@example.com,Ada,1\nnot-an-email,Bo,2\n"));
        var jobId = Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>());
        await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/bulk");
        var row = page.Locator($"#bulk-jobs tr[data-job='{jobId}']");
        await Assertions.Expect(row).ToContainTextAsync("contacts.csv");
        await Assertions.Expect(row).ToContainTextAsync("email · order");
        await Assertions.Expect(row.Locator("progress")).ToHaveAttributeAsync("value", "100");
        await Assertions.Expect(row).ToContainTextAsync("1 accepted, 1 rejected");
        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/admin/bulk/{jobId}$"));

        var other = await console.NewTenantAsync(channels: "email");
        var otherPage = await console.NewPageAsync();
        await otherPage.SignInAtAsync(console, other, "/admin/bulk");
        await Assertions.Expect(otherPage.Locator("#no-jobs")).ToBeVisibleAsync();   // another tenant's jobs are not listed
    }

    [ChromiumFact]
    public async Task Every_queue_is_listed_and_a_dead_job_links_its_notification_and_recipient()
    {
        var tenant = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");
        var id = await console.SendToDeadJobAsync(tenant);   // Api.Email(): to ada@example.com

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/queues?queue=email");
        foreach (var queue in new[] { "email", "sms", "push", "whatsapp", "in_app", "bulk", "webhooks" })
            await Assertions.Expect(page.Locator($"#queue-stats tr[data-queue='{queue}']")).ToHaveCountAsync(1);

        var subjects = page.Locator("#dead-jobs tbody tr [data-subjects]");
        await Assertions.Expect(subjects.GetByRole(AriaRole.Link, new() { Name = $"notification {id}" })).ToHaveAttributeAsync("href", $"/admin/notifications/{id}");
        await subjects.GetByRole(AriaRole.Link, new() { Name = "to ada@example.com" }).ClickAsync();
        await Assertions.Expect(page.Locator("#results tbody tr")).ToHaveCountAsync(1);   // the delivery log, searched for that recipient
        await Assertions.Expect(page.Locator("#results")).ToContainTextAsync("failed");
    }
}
