using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Client;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Client;

/// <summary>
/// The client against the real service over real HTTP: every method, each for what it is for, on one tenant; then the
/// requests it sent are matched to the API document, so a method written but never used here fails the spec.
/// </summary>
[Collection("client-service")]
public class ClientAgainstServiceTests(ClientServiceFixture service)
{
    private readonly OperationRecorder _recorder = new();

    [Fact]
    public async Task Every_client_method_does_what_it_says_against_the_service()
    {
        var tenant = await service.NewRealTenantAsync("email", "sms", "push");
        await service.RaiseLimitAsync(tenant.Id, EndpointClass.Admin, 100, 100);
        using var scope = service.ClientFor(tenant, http => http.AddHttpMessageHandler(_recorder.Handler));
        var client = scope.Client;

        await UsersAsync(client.Users);
        await TopicsAsync(client.Topics, client.Users);
        await NotificationsAsync(client.Notifications, tenant);
        await WorkflowsAsync(client.Workflows, tenant);

        var methods = ClientCompletenessTests.ClientMethods();
        var reached = _recorder.Reached(await new ClientCompletenessTests(service).DocumentOperationsAsync());
        var unused = methods.Keys.Where(o => !reached.Contains(o)).Select(o => $"{methods[o].DeclaringType!.Name}.{methods[o].Name}: {o}").ToList();
        Assert.True(unused.Count == 0, "client methods this spec never used against the service:\n" + string.Join("\n", unused));
    }

    [Fact]
    public async Task A_profiles_chat_destination_round_trips_through_the_client_and_a_send_names_one_inline()
    {
        var tenant = await service.NewRealTenantAsync("chat");
        using var scope = service.ClientFor(tenant);
        var (users, notifications) = (scope.Client.Users, scope.Client.Notifications);

        var slack = await users.IdentifyAsync("chat-1", new UserProfile { Chat = new ChatDestination { Slack = new SlackDestination { ChannelId = "C0CLIENT01" } } });
        Assert.Equal("C0CLIENT01", slack.Chat?.Slack?.ChannelId);
        const string hook = "https://discord.com/api/webhooks/123456789012345678/client-token";
        var bulk = await users.BulkIdentifyAsync([new BulkUser { UserId = "chat-2", Chat = new ChatDestination { Discord = new ChatWebhook { WebhookUrl = hook } } }]);
        Assert.Equal("created", bulk.Results.Single().Status);
        Assert.Equal(hook, (await users.GetAsync("chat-2")).Chat?.Discord?.WebhookUrl);

        var sent = await notifications.SendAsync(new SendRequest
        {
            Channel = "chat", Content = new MessageContent { Body = "Deploy done" },
            Recipient = new Recipient { Chat = new ChatDestination { Slack = new SlackDestination { UserId = "U0CLIENT01" } } },
        });
        var id = Assert.Single(sent.Notifications).Id;
        await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal("U0CLIENT01", await service.ScalarAsync<string>("select recipient->'chat'->'slack'->>'userId' from sandbox_messages where notification_id = $1", id));
    }

    private static async Task UsersAsync(UsersClient users)
    {
        var ada = await users.IdentifyAsync("cu-1", new UserProfile { Email = "ada@example.com", Name = "Ada", Data = new JsonObject { ["tier"] = "gold" } });
        Assert.Equal(("cu-1", "ada@example.com", "Ada"), (ada.UserId, ada.Email, ada.Name));
        var patched = await users.UpdateAsync("cu-1", new JsonObject { ["name"] = null, ["data"] = new JsonObject { ["seats"] = 5 } });
        Assert.Null(patched.Name);
        Assert.Equal(("gold", 5), (patched.Data!["tier"]!.GetValue<string>(), patched.Data!["seats"]!.GetValue<int>()));
        Assert.Equal("ada@example.com", (await users.GetAsync("cu-1")).Email);

        var bulk = await users.BulkIdentifyAsync([new BulkUser { UserId = "cu-2", Email = "bob@example.com" }, new BulkUser { UserId = "cu-3", Phone = "not a phone" }]);
        Assert.Equal(new[] { "created", "error" }, bulk.Results.Select(r => r.Status));
        Assert.Contains(bulk.Results[1].Errors!.Keys, k => k.EndsWith("phone"));

        var csv = new MemoryStream(Encoding.UTF8.GetBytes("user_id,email,plan\ncu-3,cara@example.com,pro\ncu-4,not-an-email,free\n"));
        var progress = new List<UploadProgress>();
        var import = await users.ImportCsvAsync(csv, merge: true, new ProgressLog(progress));
        var imported = await users.WaitForImportAsync(import.JobId, TimeSpan.FromMilliseconds(100));
        Assert.Equal(("completed", 1L, 1L), (imported.Status, imported.AcceptedRows, imported.RejectedRows));
        Assert.Equal(csv.Length, progress.Last().BytesSent);
        var errors = new MemoryStream();
        await users.DownloadImportErrorsAsync(import.JobId, errors);
        Assert.Contains("cu-4", Encoding.UTF8.GetString(errors.ToArray()));

        var listed = new List<string>();
        await foreach (var u in users.ListAsync(new UserQuery { UserIdPrefix = "cu-", Limit = 2 })) listed.Add(u.UserId);
        Assert.Equal(new[] { "cu-1", "cu-2", "cu-3" }, listed);   // three, over two pages of two

        var token = await users.CreateTokenAsync("cu-1", TimeSpan.FromMinutes(5));
        Assert.StartsWith("ey", token.Token);
        Assert.True(token.ExpiresAt > DateTimeOffset.UtcNow);

        var prefs = await users.ReplacePreferencesAsync("cu-1", new PreferencesUpdate { Channels = new Dictionary<string, bool?> { ["sms"] = false } });
        Assert.False(prefs.Channels["sms"]);
        var changed = await users.UpdatePreferencesAsync("cu-1", new JsonObject { ["channels"] = new JsonObject { ["sms"] = null } });
        Assert.False(changed.Channels.ContainsKey("sms"));
        Assert.Equal("cu-1", (await users.GetPreferencesAsync("cu-1")).UserId);

        var device = await users.RegisterDeviceAsync(new Device { UserId = "cu-1", Token = "fcm-token-cu-1-" + new string('x', 40), Platform = "android" });
        Assert.True(device.Active);
        await users.RemoveDeviceAsync("cu-1", "fcm-token-cu-1-" + new string('x', 40));

        var export = new MemoryStream();
        await users.ExportAsync("cu-1", export);
        Assert.Equal("ada@example.com", JsonNode.Parse(export.ToArray())!["profile"]!["email"]!.GetValue<string>());

        var erase = await users.EraseAsync("cu-3");
        var erased = await Eventually.Async(() => users.GetErasureAsync(erase.JobId), e => e.Status == "completed", "the erase to complete");
        Assert.False(erased.Block);
        Assert.Equal(404, (await Assert.ThrowsAsync<NotificationServiceException>(() => users.GetAsync("cu-3"))).Status);
    }

    private static async Task TopicsAsync(TopicsClient topics, UsersClient users)
    {
        Assert.Equal(0, (await topics.PutAsync("client-topic", "Client topic", "Everyone in the client spec")).MemberCount);
        Assert.Equal(3, (await topics.AddMembersAsync("client-topic", ["cu-1", "cu-2", "cu-9"])).Changed);
        var members = new List<string>();
        await foreach (var m in topics.ListMembersAsync("client-topic", pageSize: 2)) members.Add(m.UserId);
        Assert.Equal(new[] { "cu-1", "cu-2", "cu-9" }, members);
        Assert.Equal(2, (await topics.RemoveMembersAsync("client-topic", ["cu-9"])).MemberCount);
        Assert.Equal("Client topic", (await topics.GetAsync("client-topic")).Name);

        await topics.PutAsync("doomed-topic");
        await topics.DeleteAsync("doomed-topic");
        var keys = new List<string>();
        await foreach (var t in topics.ListAsync()) keys.Add(t.Key);
        Assert.Equal(new[] { "client-topic" }, keys);

        var mine = new List<string>();
        await foreach (var t in users.ListTopicsAsync("cu-1")) mine.Add(t.Key);
        Assert.Equal(new[] { "client-topic" }, mine);
    }

    private async Task NotificationsAsync(NotificationsClient notifications, TestTenant tenant)
    {
        var email = new SendRequest
        {
            Channel = "email", Recipient = new Recipient { Email = "ada@example.com" },
            Content = new MessageContent { Subject = "Hi {{name}}", Body = "Hello {{name}}" }, Data = new JsonObject { ["name"] = "Ada" },
        };
        var first = await notifications.SendAsync(email, idempotencyKey: "client-spec-send");
        var again = await notifications.SendAsync(email, idempotencyKey: "client-spec-send");
        var id = Assert.Single(first.Notifications).Id;
        Assert.Equal((id, true), (Assert.Single(again.Notifications).Id, again.Replayed));
        var sent = await Eventually.Async(() => notifications.GetAsync(id), n => n.Status == NotificationStatuses.Sent, $"notification {id} to be sent");
        Assert.Equal("sandbox", sent.Provider);

        var both = await notifications.SendAsync(new SendRequest
        {
            Channels = ["email", "in_app"], Recipient = new Recipient { UserId = "cu-1" }, SendAt = DateTimeOffset.UtcNow.AddHours(1),
            Content = new MessageContent { Subject = "Later", Body = "Later" },
        });
        Assert.Equal(new[] { "email", "in_app" }, both.Notifications.Select(n => n.Channel).Order());
        Assert.Equal(NotificationStatuses.Cancelled, (await notifications.CancelAsync(both.Notifications[0].Id)).Status);
        await notifications.CancelAsync(both.Notifications[1].Id);

        var batch = await notifications.SendBatchAsync(new SendBatchRequest
        {
            Channel = "email", Content = new MessageContent { Subject = "Hi", Body = "Hi {{name}}" },
            Recipients = [new BatchRecipient { Email = "one@example.com", Data = new JsonObject { ["name"] = "One" } }, new BatchRecipient { Email = "nope", Data = new JsonObject { ["name"] = "Two" } }],
        });
        Assert.Equal((1, 1), (batch.Accepted, Assert.Single(batch.Rejected).Index));
        var chunk = await notifications.SendChunkAsync(new SendChunkRequest { BatchId = batch.BatchId, Recipients = [new BatchRecipient { Email = "three@example.com", Data = new JsonObject { ["name"] = "Three" } }] });
        Assert.Equal(1, chunk.Accepted);
        Assert.Equal(2, (await notifications.GetBatchAsync(batch.BatchId)).Accepted);
        var inBatch = new List<Guid>();
        await foreach (var n in notifications.ListBatchNotificationsAsync(batch.BatchId)) inBatch.Add(n.Id);
        Assert.Equal(2, inBatch.Count);

        await tenant.Http.CreateTemplateAsync(new { key = "client-csv", channel = "email", locale = "en", parts = new { subject = "Hi {{first_name}}", text = "Hello" } });
        var csv = new MemoryStream(Encoding.UTF8.GetBytes("email,first_name\nann@example.com,Ann\nnot-an-address,Bo\n"));
        var progress = new List<UploadProgress>();
        var job = await notifications.UploadCsvAsync(csv, new CsvSendOptions { Channel = "email", Template = "client-csv" }, new ProgressLog(progress));
        var done = await notifications.WaitForBulkJobAsync(job.JobId, TimeSpan.FromMilliseconds(100));
        Assert.Equal(("completed", 1L, 1L), (done.Status, done.AcceptedRows, done.RejectedRows));
        Assert.Equal(csv.Length, progress.Last().BytesSent);
        var rejected = new MemoryStream();
        await notifications.DownloadBulkJobErrorsAsync(job.JobId, rejected);
        Assert.Contains("not-an-address", Encoding.UTF8.GetString(rejected.ToArray()));
        var late = await Assert.ThrowsAsync<NotificationServiceException>(() => notifications.CancelBulkJobAsync(job.JobId));
        Assert.Equal(409, late.Status);   // a job that has completed cannot be cancelled: the service's problem, as the exception

        var toTopic = await notifications.SendAsync(new SendRequest
        {
            Channel = "email", Recipient = new Recipient { Topics = ["client-topic"] }, SendAt = DateTimeOffset.UtcNow.AddHours(1),
            Content = new MessageContent { Subject = "All", Body = "All of you" },
        });
        var fanOut = toTopic.FanOut!;
        Assert.Empty(toTopic.Notifications);
        Assert.Equal(new[] { "client-topic" }, (await notifications.GetFanOutAsync(fanOut.Id)).Topics);
        Assert.Equal("cancelled", (await notifications.CancelFanOutAsync(fanOut.Id)).Status);

        var live = await notifications.PublishEventAsync(new LiveEvent
        {
            To = new LiveEventTargets { UserIds = ["cu-1"] }, Type = "order.shipped", Data = new JsonObject { ["orderId"] = "O-1" },
        });
        Assert.Equal("order.shipped", live.Type);
    }

    private static async Task WorkflowsAsync(WorkflowsClient workflows, TestTenant tenant)
    {
        await tenant.Http.CreateTemplateAsync(new { key = "client-hello", channel = "in_app", locale = "en", parts = new { title = "Hi", body = "Order {{orderId}}" } });
        await tenant.Http.PublishWorkflowAsync("""
            {"key":"client-flow","name":"Client flow","steps":[
              {"id":"hello","type":"send","channel":"in_app","template":"client-hello"},
              {"id":"paid","type":"waitFor","event":"client.paid","timeout":"PT1H","then":[],"onTimeout":[]}]}
            """);

        var trigger = new WorkflowTrigger { Recipients = [new WorkflowRecipient { UserId = "cu-1" }], Data = new JsonObject { ["orderId"] = "O-1" }, CancellationKey = "ck-1" };
        var runId = Assert.Single((await workflows.TriggerAsync("client-flow", trigger, idempotencyKey: "client-flow-1")).RunIds);
        await Eventually.Async(() => workflows.GetRunAsync(runId), r => r.State == "waiting", "the run to wait for client.paid");
        Assert.Equal(1, await workflows.SendEventAsync(new WorkflowEvent { Name = "client.paid", UserId = "cu-1" }));
        await Eventually.Async(() => workflows.GetRunAsync(runId), r => r.State == "completed", "the run to complete");

        var second = Assert.Single((await workflows.TriggerAsync("client-flow", trigger with { Recipients = [new WorkflowRecipient { UserId = "cu-2" }], CancellationKey = "ck-2" })).RunIds);
        await Eventually.Async(() => workflows.GetRunAsync(second), r => r.State == "waiting", "the second run to wait");
        Assert.Equal("cancelled", (await workflows.CancelRunAsync(second)).State);
        Assert.NotEqual("cancelled", (await workflows.ResumeRunAsync(second)).State);
        Assert.Equal(1, await workflows.CancelRunsAsync(new RunCancelQuery { CancellationKey = "ck-2" }));

        var runs = new List<Guid>();
        await foreach (var r in workflows.ListRunsAsync(new RunQuery { Workflow = "client-flow", Limit = 1 })) runs.Add(r.Id);
        Assert.Equal(new[] { second, runId }, runs);   // newest first, one per page

        var fanOut = (await workflows.TriggerAsync("client-flow", new WorkflowTrigger { Topics = ["client-topic"], Data = new JsonObject { ["orderId"] = "O-2" } })).FanOut!;
        Assert.Equal("client-flow", fanOut.Workflow);
        Assert.Equal(new[] { "client-topic" }, (await workflows.GetFanOutAsync(fanOut.Id)).Topics);
        try
        {
            Assert.Equal("cancelled", (await workflows.CancelFanOutAsync(fanOut.Id)).Status);
        }
        catch (NotificationServiceException e) when (e.Status == 409)
        {
            // two members: the fan-out may have ended before the cancel arrived, which the service answers with a 409
        }
    }

    private sealed class ProgressLog(List<UploadProgress> seen) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) { lock (seen) seen.Add(value); }
    }
}
