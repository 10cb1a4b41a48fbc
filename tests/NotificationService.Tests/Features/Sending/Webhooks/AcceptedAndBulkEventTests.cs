using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Webhooks;

/// <summary>`notification.accepted` from every accept path and `bulk_job.completed`, as a receiver sees them.</summary>
[Collection("service")]
public class AcceptedAndBulkEventTests(ServiceFixture service)
{
    private const string Hooks = "/api/v1/admin/webhooks";

    private static async Task<Guid> RegisterAsync(TestTenant tenant, string url, params string[] events)
    {
        var response = await tenant.Http.PostJsonAsync(Hooks, new { url, events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Guid.Parse((await response.JsonAsync())["endpoint"]!["id"]!.GetValue<string>());
    }

    private static List<JsonNode> OfType(IEnumerable<Received> received, string type) =>
        received.Select(r => JsonNode.Parse(r.Body)!).Where(p => p["type"]!.GetValue<string>() == type).ToList();

    private Task<long> AcceptedDeliveriesAsync(TestTenant tenant) =>
        service.ScalarAsync<long>("select count(*) from webhook_deliveries where tenant_id = $1 and event_type = 'notification.accepted'", tenant.Id)!;

    [Fact]
    public async Task Single_sends_and_batches_publish_accepted_once_each_subscribing_takes_effect_on_the_next_send()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync(channels: "email");
        var endpoint = await RegisterAsync(tenant, receiver.Url, "notification.sent");

        // Subscribed to other events only: no accepted deliveries are written at all.
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(Api.Email()), "sent");
        Assert.Equal(0, await AcceptedDeliveriesAsync(tenant));

        // The subscription cache is dropped on change, so the very next send publishes.
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PatchAsync($"{Hooks}/{endpoint}",
            JsonContent("{\"events\":[\"notification.accepted\",\"notification.sent\"]}"))).StatusCode);
        var single = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = "ada@example.com" },
            content = new { subject = "s", body = "b" }, metadata = new { order = "42" } });
        var batch = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "email", content = new { subject = "s", body = "b" },
            recipients = new object[] { new { email = "bob@example.com" }, new { email = "not-an-email" }, new { email = "cy@example.com" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);

        await receiver.WaitForAsync(6);   // 3 accepted + 3 sent (the first send's `sent` came before too: 7 in all)
        await Eventually.Async(() => OfType(receiver.Requests, "notification.accepted").Count >= 3, "three notification.accepted webhooks");
        var accepted = OfType(receiver.Requests, "notification.accepted");
        Assert.Equal(3, accepted.Count);
        var first = accepted.Single(a => a["data"]!["notificationId"]!.GetValue<string>() == single.ToString());
        Assert.Equal("accepted", first["data"]!["status"]!.GetValue<string>());
        Assert.Null(first["data"]!["previousStatus"]);
        Assert.Equal("a***@example.com", first["data"]!["recipient"]!["email"]!.GetValue<string>());
        Assert.Equal("42", first["data"]!["metadata"]!["order"]!.GetValue<string>());
        Assert.Equal(3, await AcceptedDeliveriesAsync(tenant));   // the rejected recipient published nothing
    }

    [Fact]
    public async Task A_completed_CSV_job_publishes_its_totals_and_accepted_events_for_rows_sent()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        await RegisterAsync(tenant, receiver.Url, "bulk_job.completed", "notification.accepted");
        var csv = "email,first_name,order_id\nada@example.com,Ada,1\nbad-address,Eve,2\nADA@example.com,Ada,3\nbob@example.com,Bob,4\n";
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8(csv));
        var jobId = (await response.JsonAsync())["jobId"]!.GetValue<string>();
        Assert.Equal("completed", (await BulkCsv.WaitFinishedAsync(tenant.Http, Guid.Parse(jobId)))["status"]!.GetValue<string>());

        await Eventually.Async(() => OfType(receiver.Requests, "bulk_job.completed").Count == 1 && OfType(receiver.Requests, "notification.accepted").Count == 2,
            "the completion and two accepted webhooks");
        var done = OfType(receiver.Requests, "bulk_job.completed").Single()["data"]!;
        Assert.Equal(jobId, done["jobId"]!.GetValue<string>());
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal(4, done["totalRows"]!.GetValue<long>());
        Assert.Equal(2, done["acceptedRows"]!.GetValue<long>());
        Assert.Equal(1, done["rejectedRows"]!.GetValue<long>());
        Assert.Equal(1, done["duplicateRows"]!.GetValue<long>());
        // Nothing else can trickle in: exactly three deliveries were written, and every webhook job has run.
        Assert.Equal(3, await service.ScalarAsync<long>("select count(*) from webhook_deliveries where tenant_id = $1", tenant.Id));
        await DbPolling.WaitUntilAsync(service.Db, $"select count(*) from jobs where tenant_id = '{tenant.Id}' and queue = 'webhooks'", n => n == 0, TimeSpan.FromSeconds(10));
        Assert.Single(OfType(receiver.Requests, "bulk_job.completed"));
        Assert.Equal(2, OfType(receiver.Requests, "notification.accepted").Count);
    }

    private static HttpContent JsonContent(string json) => new StringContent(json, System.Text.Encoding.UTF8, "application/json");


}
