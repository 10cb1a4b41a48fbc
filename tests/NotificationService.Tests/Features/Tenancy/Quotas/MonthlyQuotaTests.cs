using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Quotas;

/// <summary>
/// Monthly quotas per channel, set by the operator through the platform API: every send is charged before it is accepted
/// (a batch by its recipients, a topic send by its members); beyond the quota it is refused with a 429 naming the quota
/// and its reset, or, configured to `hold`, accepted and scheduled for the reset. The platform API shows usage against it.
/// </summary>
[Collection("platform")]
public class MonthlyQuotaTests(PlatformFixture service)
{
    private const string SendBatch = "/api/v1/services/notifications/send-batch";

    internal static DateTimeOffset NextMonth
    {
        get
        {
            var now = DateTime.UtcNow;
            return new DateTimeOffset(new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1));
        }
    }

    private Task<HttpResponseMessage> SetQuotasAsync(Guid tenantId, object quotas) => SetQuotasAsync(service, tenantId, quotas);

    internal static async Task<HttpResponseMessage> SetQuotasAsync(PlatformFixture service, Guid tenantId, object quotas) =>
        await service.Platform().PatchAsync($"/api/v1/platform/tenants/{tenantId}",
            new StringContent(System.Text.Json.JsonSerializer.Serialize(new { quotas }), Encoding.UTF8, "application/json"));

    private static object Batch(int n) => new
    {
        channel = "email", content = new { subject = "Hi", body = "Hello" },
        recipients = Enumerable.Range(0, n).Select(i => new { email = $"r{i}@example.com" }).ToArray(),
    };

    private async Task<JsonNode> QuotaAsync(Guid tenantId, string channel) =>
        JsonNode.Parse(await service.Platform().GetStringAsync($"/api/v1/platform/tenants/{tenantId}"))!["quotas"]![channel]!;

    private Task<long> NotificationsAsync(Guid tenantId, string channel) =>
        service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1 and channel = $2", tenantId, channel);

    [Fact]
    public async Task Beyond_a_refusing_quota_a_send_or_batch_is_a_429_naming_the_quota_and_its_reset_and_writes_nothing()
    {
        var tenant = await service.NewTenantAsync("{}", "email", "sms");
        Assert.Equal(HttpStatusCode.OK, (await SetQuotasAsync(tenant.Id, new { email = new { perMonth = 3, overage = "refuse" } })).StatusCode);

        await tenant.Http.SendOkAsync(Api.Email());
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PostJsonAsync(SendBatch, Batch(2))).StatusCode);   // 3 of 3
        var refused = await tenant.Http.PostJsonAsync(Api.Send, Api.Email());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var problem = await refused.JsonAsync();
        Assert.Contains("monthly email quota", problem["detail"]!.GetValue<string>());
        Assert.Equal("email", problem["quota"]!["channel"]!.GetValue<string>());
        Assert.Equal(NextMonth, DateTimeOffset.Parse(problem["quota"]!["resetsAt"]!.GetValue<string>()));
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await tenant.Http.PostJsonAsync(SendBatch, Batch(1))).StatusCode);
        Assert.Equal(3L, await NotificationsAsync(tenant.Id, "email"));

        await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "no quota here" } });
        var quota = await QuotaAsync(tenant.Id, "email");
        Assert.Equal((3L, 3L, "refuse"), (quota["used"]!.GetValue<long>(), quota["perMonth"]!.GetValue<long>(), quota["overage"]!.GetValue<string>()));

        // Raised by the operator: the next send fits again.
        Assert.Equal(HttpStatusCode.OK, (await SetQuotasAsync(tenant.Id, new { email = new { perMonth = 4 } })).StatusCode);
        await tenant.Http.SendOkAsync(Api.Email());
        Assert.Equal(4L, (await QuotaAsync(tenant.Id, "email"))["used"]!.GetValue<long>());
    }

    [Fact]
    public async Task Beyond_a_holding_quota_sends_are_accepted_and_held_until_the_reset_up_to_next_months_quota()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        Assert.Equal(HttpStatusCode.OK, (await SetQuotasAsync(tenant.Id, new { email = new { perMonth = 2, overage = "hold" } })).StatusCode);

        await tenant.Http.SendOkAsync(Api.Email());
        var now = await tenant.Http.SendOkAsync(Api.Email());   // 2 of 2: sent at once
        await service.Ledger.WaitForAsync(now, "sent");
        var batch = await tenant.Http.PostJsonAsync(SendBatch, Batch(2));   // beyond it: the whole batch waits for the reset
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        Assert.Equal(2L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1 and send_at = $2", tenant.Id, NextMonth));
        var quota = await QuotaAsync(tenant.Id, "email");
        Assert.Equal((2L, 2L), (quota["used"]!.GetValue<long>(), quota["heldForNextMonth"]!.GetValue<long>()));

        // Next month's quota is full of held sends too: now refused, naming both.
        var refused = await tenant.Http.PostJsonAsync(Api.Send, Api.Email());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("next month's", (await refused.JsonAsync())["detail"]!.GetValue<string>());
        Assert.Equal(4L, await NotificationsAsync(tenant.Id, "email"));
    }

    [Fact]
    public async Task A_send_to_a_topic_is_charged_its_members_before_the_202_and_refused_whole_when_they_do_not_fit()
    {
        var tenant = await service.NewTenantAsync(null);
        await tenant.Http.TopicWithAsync("residents", "ann", "ben", "cat", "dan", "eve");
        Assert.Equal(HttpStatusCode.OK, (await SetQuotasAsync(tenant.Id, new { in_app = new { perMonth = 4 } })).StatusCode);
        var send = new { channel = "in_app", recipient = new { topics = new[] { "residents" } }, content = new { subject = "Notice", body = "Water off" } };

        var refused = await tenant.Http.PostJsonAsync(Api.Send, send);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("5 in_app message(s)", (await refused.JsonAsync())["detail"]!.GetValue<string>());
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from fan_outs where tenant_id = $1", tenant.Id));
        Assert.Equal(0L, (await QuotaAsync(tenant.Id, "in_app"))["used"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.OK, (await SetQuotasAsync(tenant.Id, new { in_app = new { perMonth = 5 } })).StatusCode);
        var accepted = await tenant.Http.PostJsonAsync(Api.Send, send);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(5L, (await QuotaAsync(tenant.Id, "in_app"))["used"]!.GetValue<long>());   // charged at accept, before any member is reached
        await tenant.Http.WaitForFanOutAsync(Guid.Parse((await accepted.JsonAsync())["id"]!.GetValue<string>()), "completed");
        Assert.Equal(5L, (await QuotaAsync(tenant.Id, "in_app"))["used"]!.GetValue<long>());   // and not again as it expands
    }

    [Fact]
    public async Task Bad_quotas_are_a_400_naming_each_field_and_null_removes_a_quota()
    {
        var tenant = await service.NewTenantAsync(null);
        var bad = await SetQuotasAsync(tenant.Id, new Dictionary<string, object>
        {
            ["fax"] = new { perMonth = 1 }, ["email"] = new { perMonth = -1 }, ["sms"] = new { perMonth = 5, overage = "later" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.JsonAsync())["errors"]!.AsObject();
        foreach (var field in new[] { "quotas.fax", "quotas.email.perMonth", "quotas.sms.overage" }) Assert.True(errors.ContainsKey(field), $"no error for {field}: {errors}");
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from tenant_quotas where tenant_id = $1", tenant.Id));

        Assert.Equal(HttpStatusCode.OK, (await SetQuotasAsync(tenant.Id, new { sms = new { perMonth = 5 } })).StatusCode);
        var removed = await (await service.Platform().PatchAsync($"/api/v1/platform/tenants/{tenant.Id}",
            new StringContent("""{"quotas":{"sms":null}}""", Encoding.UTF8, "application/json"))).JsonAsync();
        Assert.Empty(removed["quotas"]!.AsObject());
    }
}
