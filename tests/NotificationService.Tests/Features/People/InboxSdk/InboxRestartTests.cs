using NotificationService.Features.Operations.Seed;
using NotificationService.Postgres;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Operations.Metrics;
using NotificationService.Tests.Hosting;
using NotificationService.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace NotificationService.Tests.Features.People.InboxSdk;

/// <summary>
/// The service binary restarted under an open inbox (SIGTERM, then a new process on the same address, as behind a load
/// balancer): the component reconnects with a new ticket and its Last-Event-ID, and what was sent after the restart
/// appears once, beside what was there before.
/// </summary>
[Collection("inbox-browser")]
public class InboxRestartTests(InboxBrowserFixture fixture)
{
    [ChromiumFact]
    public async Task A_server_restart_loses_nothing_and_repeats_nothing()
    {
        var cs = await TestDatabase.CreateAsync("sdkrestart");
        var port = PrometheusTools.FreePort();
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = cs, ["Seed__OnStart"] = "true", ["Seed__DemoApiKey"] = ServiceFixture.DemoApiKey,
            ["Inbox__KeepAliveSeconds"] = "5", ["Logging__LogLevel__Default"] = "Warning",
        };
        var service = ServiceProcess.StartOn(port, env);
        try
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(90));
            using var admin = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", ServiceFixture.DemoApiKey);
            await admin.PutJsonAsync("/api/v1/admin/web-origins", new { origins = new[] { fixture.App.Origin } });
            fixture.App.Register(DemoSeeder.DemoTenantId, service.BaseUrl, ServiceFixture.DemoApiKey);
            Task<Guid> Send(string title) => admin.SendOkAsync(new { channel = "in_app", recipient = new { userId = "ada" }, content = new { title, body = "x" } });

            await using var context = await fixture.NewContextAsync();
            var page = await context.OpenAppAsync(fixture.App.PageUrl(DemoSeeder.DemoTenantId, "ada"));
            await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "open");
            await Send("Before the restart");
            await page.ExpectUnreadAsync(1);
            await page.OpenAsync();
            await Expect(page.Item("Before the restart")).ToHaveCountAsync(1);

            var exit = await service.StopAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"exit code {exit}:\n{string.Join('\n', service.Stderr.TakeLast(40))}");
            await Expect(page.Inbox()).Not.ToHaveAttributeAsync("data-stream", "open");
            await service.DisposeAsync();
            service = ServiceProcess.StartOn(port, env);
            await service.WaitReadyAsync(TimeSpan.FromSeconds(90));
            await Send("After the restart 1");
            await Send("After the restart 2");

            await page.ExpectUnreadAsync(3);
            await Expect(page.Item("After the restart 1")).ToHaveCountAsync(1);
            await Expect(page.Item("After the restart 2")).ToHaveCountAsync(1);
            await Expect(page.Item("Before the restart")).ToHaveCountAsync(1);
            await Expect(page.Items()).ToHaveCountAsync(3);
            Assert.Equal(3, await page.EvaluateAsync<int>("window.inboxEvents.filter(e => e.type === 'notification-received').length"));
        }
        finally
        {
            await service.DisposeAsync();
        }
    }
}
