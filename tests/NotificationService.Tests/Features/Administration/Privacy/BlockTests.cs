using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// `?block=true`: the erased userId is kept only as a keyed hash, and nothing brings the user back: identify (PUT, PATCH,
/// the user's own PATCH) is a 409 naming `userId`, bulk identify an error item, a CSV import row an error naming the
/// user_id column, a send's `recipient.profile` a 409; a send by that userId is accepted and ends `skipped`, `erased`; every
/// other write naming the userId (devices, preferences, topic membership, tokens, live events, workflow triggers) a 409.
/// </summary>
[Collection("service")]
public class BlockTests(ServiceFixture service)
{
    [Fact]
    public async Task A_blocked_userId_cannot_come_back_through_identify_bulk_identify_csv_import_or_a_sends_profile()
    {
        var tenant = await service.NewTenantAsync();
        var userId = "blocked-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.IdentifyAsync(userId, new { email = $"{userId}@example.com", name = "Blocked" });
        var userToken = await service.UserClientAsync(tenant, userId);
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync(userId, block: true));

        var put = await tenant.Http.PutProfileAsync(userId, new { name = "Back" });
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal(["userId"], await put.ErrorFieldsAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.MergePatchAsync(RecipientsApi.Of(userId), new { name = "Back" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await userToken.MergePatchAsync(RecipientsApi.MyProfile, new { name = "Back" })).StatusCode);

        var bulk = await (await tenant.Http.PostJsonAsync(RecipientsApi.Users + "/bulk",
            new { users = new object[] { new { userId = "fresh-" + userId, name = "Fresh" }, new { userId, name = "Back" } } })).JsonAsync();
        var results = bulk["results"]!.AsArray();
        Assert.Equal(("created", "error"), (results[0]!["status"]!.GetValue<string>(), results[1]!["status"]!.GetValue<string>()));
        Assert.NotNull(results[1]!["errors"]!["userId"]);

        var import = await ProfileImport.UploadAsync(tenant.Http, $"user_id,name\nother-{userId},Other\n{userId},Back\n");
        var job = await ProfileImport.WaitFinishedAsync(tenant.Http, import);
        Assert.Equal((1L, 1L), (job["acceptedRows"]!.GetValue<long>(), job["rejectedRows"]!.GetValue<long>()));
        var report = await tenant.Http.GetStringAsync($"{ProfileImport.Path}/{import}/errors");
        Assert.Contains("2,3,user_id,", report);

        var send = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "email", recipient = new { userId, profile = new { name = "Back" } }, content = new { subject = "s", body = "b" } });
        Assert.Equal(HttpStatusCode.Conflict, send.StatusCode);
        Assert.Equal(["recipient.profile.userId"], await send.ErrorFieldsAsync());

        Assert.Null(await tenant.Http.ProfileAsync(userId));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from blocked_users where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Every_other_write_naming_a_blocked_userId_is_a_409_naming_it_and_stores_nothing_devices_preferences_topics_tokens_events_and_triggers()
    {
        var tenant = await service.NewTenantAsync();
        var userId = "walled-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.PutTopicAsync("floor-3", new { name = "Floor 3" });
        await tenant.Http.PublishWorkflowAsync("""{"key":"hold","name":"Hold","steps":[{"id":"paid","type":"waitFor","event":"order.paid","timeout":"P1D","then":[]}]}""");
        var userToken = await service.UserClientAsync(tenant, userId);   // minted before the erase: it still verifies after it
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync(userId, block: true));

        var refusals = new (string What, Task<HttpResponseMessage> Call, string Field)[]
        {
            ("service device", tenant.Http.PostJsonAsync("/api/v1/services/devices", new { userId, token = "tok-walled", platform = "android" }), "userId"),
            ("own device", userToken.PostJsonAsync("/api/v1/users/me/devices", new { token = "tok-own", platform = "ios" }), "userId"),
            ("service preferences", tenant.Http.PutAsJsonAsync($"{RecipientsApi.Of(userId)}/preferences", new { channels = new { email = false } }), "userId"),
            ("own preferences", userToken.PutAsJsonAsync("/api/v1/users/me/preferences", new { channels = new { sms = false } }), "userId"),
            ("topic membership", tenant.Http.AddMembersAsync("floor-3", new { userIds = new[] { "fine-" + userId, userId } }), "userIds[1]"),
            ("token", tenant.Http.PostJsonAsync($"{RecipientsApi.Of(userId)}/token", new { }), "userId"),
            ("live event", tenant.Http.PostJsonAsync("/api/v1/services/events", new { to = new { userIds = new[] { userId } }, type = "ping", data = new { } }),
                "to.userIds[0]"),
            ("workflow trigger", tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/hold/trigger", new { recipients = new[] { userId } }), "recipients[0].userId"),
        };
        foreach (var (what, call, field) in refusals)
        {
            var response = await call;
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal([field], await response.ErrorFieldsAsync());
        }

        Assert.Empty(await PrivacyApi.WhereStoredAsync(service.Db, userId));
        Assert.Equal(0, (await tenant.Http.GetFromJsonAsync<JsonObject>(TopicsApi.Of("floor-3")))!["memberCount"]!.GetValue<long>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_send_to_a_blocked_userId_ends_skipped_erased_even_with_an_address_while_the_same_userId_of_another_tenant_is_sent()
    {
        var (tenant, other) = (await service.NewTenantAsync(), await service.NewTenantAsync());
        var userId = "blocked-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync(userId, block: true));

        var content = new { subject = "s", body = "b" };
        var byUser = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId }, content });
        var withAddress = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId, email = "someone@example.com" }, content });
        var inApp = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId }, content });
        var theirs = await other.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId }, content });

        foreach (var id in new[] { byUser, withAddress, inApp })
        {
            var skipped = await service.Ledger.WaitForAsync(id, "skipped");
            Assert.Equal("erased", skipped.Error);
        }
        await service.Ledger.WaitForAsync(theirs, "sent");
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from sandbox_messages where tenant_id = $1", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from inbox_items where tenant_id = $1", tenant.Id));
        Assert.Equal("erased", (await tenant.Http.StatusAsync(byUser))["lastError"]!.GetValue<string>());
        Assert.True((await other.Http.PutProfileAsync(userId, new { name = "Fine" })).IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_block_is_only_a_keyed_hash_and_an_erase_without_block_lets_the_user_be_identified_again()
    {
        var tenant = await service.NewTenantAsync();
        var blocked = "hashed-" + Guid.NewGuid().ToString("N")[..8];
        var free = "free-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync(blocked, block: true));
        await tenant.Http.IdentifyAsync(free, new { name = "Free" });
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync(free));

        var hash = (await service.ScalarAsync<byte[]>("select user_hash from blocked_users where tenant_id = $1", tenant.Id))!;
        Assert.Equal(32, hash.Length);
        Assert.Equal(-1, hash.AsSpan().IndexOf(Encoding.UTF8.GetBytes(blocked)));
        Assert.Empty(await PrivacyApi.WhereStoredAsync(service.Db, blocked));
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from erase_jobs where tenant_id = $1 and user_hash is not null", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from erase_jobs where tenant_id = $1 and subject is not null", tenant.Id));
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PutProfileAsync(free, new { name = "Free again" })).StatusCode);
    }
}
