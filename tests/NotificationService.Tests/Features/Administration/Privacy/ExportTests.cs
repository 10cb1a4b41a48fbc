using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// Export (GDPR Art. 15/20): `GET /users/{userId}/export` streams one valid JSON document with everything stored about the
/// user: profile, preferences, devices, inbox items, and every notification with its history, over more than one keyset
/// page (500), including sends that named only the profile's address; nothing of another user or tenant.
/// </summary>
[Collection("service")]
public class ExportTests(ServiceFixture service)
{
    [Fact]
    public async Task An_export_is_one_streamed_json_document_with_the_profile_preferences_devices_inbox_and_every_notification_with_its_history()
    {
        var (tenant, other) = (await service.NewTenantAsync(), await service.NewTenantAsync());
        var userId = "export-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.IdentifyAsync(userId, new { email = $"{userId}@example.com", name = "Exa Port", data = new { plan = "pro" } });
        await other.Http.IdentifyAsync(userId, new { name = "Not this one" });
        Assert.True((await tenant.Http.PutAsync($"{RecipientsApi.Of(userId)}/preferences",
            JsonContent.Create(new { channels = new { sms = false } }))).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PostJsonAsync("/api/v1/services/devices", new { userId, token = "tok-" + userId, platform = "ios" })).StatusCode);
        await tenant.Http.TopicWithAsync("street-7", userId);
        var inApp = await service.SendInAppAsync(tenant, userId, title: "Inbox item");
        var email = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId }, content = new { subject = "Hi {{recipient.name}}", body = "b" } });
        var byAddress = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { email = $"{userId}@example.com" }, content = new { subject = "s", body = "b" } });
        await service.Ledger.WaitForAsync(email, "sent");
        await service.Ledger.WaitForAsync(byAddress, "sent");
        // More than one page of notifications: 520 scheduled an hour ahead (they wait, queued, costing no delivery).
        var batch = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "in_app", content = new { subject = "Later", body = "b" }, sendAt = DateTimeOffset.UtcNow.AddHours(1),
            recipients = Enumerable.Range(0, 520).Select(_ => new { userId }).ToArray(),
        });
        Assert.Equal(520, (await batch.JsonAsync())["accepted"]!.GetValue<int>());
        await other.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId }, content = new { subject = "Other tenant", body = "b" } });

        var response = await tenant.Http.GetAsync(RecipientsApi.Of(userId) + "/export", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(response.Content.Headers.ContentLength);      // streamed as it is read, not measured first
        var export = (await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync()))!;   // throws if not one valid document

        Assert.Equal(userId, export["userId"]!.GetValue<string>());
        Assert.Equal(("Exa Port", "pro"), (export["profile"]!["name"]!.GetValue<string>(), export["profile"]!["data"]!["plan"]!.GetValue<string>()));
        Assert.False(export["preferences"]!["channels"]!["sms"]!.GetValue<bool>());
        Assert.Equal("tok-" + userId, Assert.Single(export["devices"]!.AsArray())!["token"]!.GetValue<string>());
        Assert.Equal("street-7", Assert.Single(export["topics"]!.AsArray())!["key"]!.GetValue<string>());
        Assert.Equal("Inbox item", Assert.Single(export["inbox"]!.AsArray())!["title"]!.GetValue<string>());

        var notifications = export["notifications"]!.AsArray().Select(n => n!).ToList();
        Assert.Equal(523, notifications.Count);
        Assert.Equal(523, notifications.Select(n => n["id"]!.GetValue<string>()).Distinct().Count());
        Assert.Contains(notifications, n => n["id"]!.GetValue<string>() == byAddress.ToString());
        var sent = notifications.Single(n => n["id"]!.GetValue<string>() == email.ToString());
        Assert.Equal(["accepted", "queued", "sending", "sent"], sent["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal(userId, sent["recipient"]!["userId"]!.GetValue<string>());
        Assert.Contains(notifications, n => n["id"]!.GetValue<string>() == inApp.ToString() && n["status"]!.GetValue<string>() == "sent");
        Assert.DoesNotContain("Other tenant", export.ToJsonString());
        Assert.DoesNotContain("Not this one", export.ToJsonString());
    }

    [Fact]
    public async Task A_user_with_nothing_stored_exports_an_empty_document_and_an_erased_user_exports_nothing_of_theirs()
    {
        var tenant = await service.NewTenantAsync();
        var export = JsonNode.Parse(await tenant.Http.GetStringAsync(RecipientsApi.Of("nobody") + "/export"))!;
        Assert.Null(export["profile"]);
        Assert.Null(export["preferences"]);
        Assert.Empty(export["devices"]!.AsArray());
        Assert.Empty(export["inbox"]!.AsArray());
        Assert.Empty(export["notifications"]!.AsArray());

        await tenant.Http.IdentifyAsync("gone", new { name = "Gone" });
        var id = await service.SendInAppAsync(tenant, "gone");
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync("gone"));
        var after = JsonNode.Parse(await tenant.Http.GetStringAsync(RecipientsApi.Of("gone") + "/export"))!;
        Assert.Null(after["profile"]);
        Assert.Empty(after["inbox"]!.AsArray());
        Assert.Empty(after["notifications"]!.AsArray());
        Assert.Null((await tenant.Http.StatusAsync(id))["recipient"]!["userId"]);     // the notification is kept, without the person
    }
}
