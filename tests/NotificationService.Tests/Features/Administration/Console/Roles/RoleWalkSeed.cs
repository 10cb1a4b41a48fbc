using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console.Roles;

/// <summary>
/// One tenant with an object of every kind the console lists or opens one of (a template, a layout and a partial, a
/// category, a topic and its fan-out, a waiting and a cancelled workflow run, a sent, a scheduled and a dead notification,
/// a bulk job, a provider, a
/// webhook endpoint, a profile, a suppression, a web origin, a second key): so the walk sees each detail page and each
/// row's own buttons, not only the empty lists.
/// </summary>
public sealed record RoleWalkSeed(TestTenant Tenant, IReadOnlyDictionary<string, string> Ids)
{
    public static async Task<RoleWalkSeed> CreateAsync(ServiceFixture service)
    {
        var tenant = await service.NewTenantAsync("{}", "email", "push", "whatsapp");
        var http = tenant.Http;
        var failingSms = await service.AddProviderAsync(tenant.Id, "sms", "sandbox", """{"permanentRate": 1}""");
        var template = await http.CreateTemplateAsync(
            new { key = "walk", channel = "email", locale = "en", parts = new { subject = "Hi", text = "Hello" } });
        await PutOkAsync(http, "/api/v1/admin/templates/partials/walk-footer", new { source = "-- the team" });
        await PutOkAsync(http, "/api/v1/admin/templates/layouts/walk-brand", new { source = "<main>{{{body}}}</main>" });
        await http.AddEscalationTemplatesAsync();                                   // and the `orders` category
        await http.PublishWorkflowAsync(WorkflowApi.Escalation);
        var run = (await http.TriggerAsync("order-update", new { recipients = new[] { "ada" }, data = new { orderId = "1" } })).Single();
        await http.WaitForWaitAsync(run, "wait-read");                              // a waiting run: its cancel button shows
        var cancelled = (await http.TriggerAsync("order-update", new { recipients = new[] { "bob" }, data = new { orderId = "2" } }))
            .Single();
        await http.WaitForWaitAsync(cancelled, "wait-read");
        await http.PostOkAsync($"{WorkflowApi.Services}/runs/{cancelled}/cancel", new { });      // a cancelled one: its resume button
        await PutOkAsync(http, "/api/v1/services/topics/walk", new { name = "Walk" });
        await http.MembersOkAsync("walk", ["ada"]);
        var fanOut = await http.SendToTopicsAsync(
            new { channel = "in_app", recipient = new { topics = new[] { "walk" } }, content = new { body = "Hi" } });
        await http.IdentifyAsync("ada", new { email = "ada@example.com", name = "Ada" });
        var sent = await http.SendOkAsync(Api.Email());
        await http.SendOkAsync(
            new { channel = "email", recipient = new { email = "cy@example.com" }, template = "walk", sendAt = DateTimeOffset.UtcNow.AddDays(1) });
        var dead = await http.SendOkAsync(
            new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "Hi" } });
        await http.WaitForStatusAsync(dead, "failed");
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var upload = await BulkCsv.PostAsync(http, BulkCsv.Utf8("email,first_name,order_id\nbob@example.com,Bob,7\n"));
        var bulk = (await TemplateApi.ExpectAsync(upload, 202))["jobId"]!.GetValue<string>();
        await http.PostOkAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "notification.sent" } });
        await PutOkAsync(http, "/api/v1/admin/web-origins", new { origins = new[] { "https://app.example.com" } });
        await tenant.CreateKeyAsync("reporting", "notifications:read");
        await service.ScalarAsync<object>(
            "insert into suppressions (tenant_id, channel, address, reason) values ($1, 'email', 'gone@example.com', 'bounce')", tenant.Id);
        await Eventually.Async(async () => await service.ScalarAsync<long>(
            "select count(*) from jobs where tenant_id = $1 and state = 'dead'", tenant.Id) > 0, "the failing sms job to be dead");
        return new RoleWalkSeed(tenant, new Dictionary<string, string>
        {
            ["/admin/templates/{id}"] = $"/admin/templates/{template.Id()}",
            ["/admin/notifications/{id}"] = $"/admin/notifications/{sent}",
            ["/admin/workflows/runs/{id}"] = $"/admin/workflows/runs/{run}",
            ["/admin/bulk/{id}"] = $"/admin/bulk/{bulk}",
            ["/admin/{kind}"] = "/admin/partials",
            ["/admin/providers/edit"] = $"/admin/providers/edit?id={failingSms}",   // a new one's form opens by its kind
            ["fan-out"] = fanOut.ToString(), ["dead"] = dead.ToString(), ["cancelled-run"] = cancelled.ToString(),
        });
    }

    private static async Task PutOkAsync(HttpClient http, string url, object body)
    {
        using var response = await http.PutJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"PUT {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every GET page of the role table, its ids filled in, and the pages that open one object by a query.</summary>
    public IEnumerable<string> Pages(IEnumerable<string> tablePages) =>
    [
        .. tablePages.Select(p => Ids.TryGetValue(p, out var real) ? real : p),
        "/admin/layouts", "/admin/partials?name=walk-footer", "/admin/layouts?name=walk-brand", "/admin/templates?key=walk",
        "/admin/categories?key=orders", "/admin/topics?key=walk", $"/admin/topics?fanOut={Ids["fan-out"]}",
        "/admin/workflows/edit?key=order-update", "/admin/providers/edit?kind=sendgrid",
        "/admin/users?user=ada", "/admin/queues?queue=sms", "/admin/queues?queue=email", $"/admin/notifications/{Ids["dead"]}",
        $"/admin/workflows/runs/{Ids["cancelled-run"]}", "/admin/templates/new?channel=email",
    ];
}
