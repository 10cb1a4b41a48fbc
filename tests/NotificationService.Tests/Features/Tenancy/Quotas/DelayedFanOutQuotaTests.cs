using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Quotas;

/// <summary>
/// An amplification is charged when it expands, not only when it is accepted: a scheduled send to a topic is charged
/// its members at accept, and when it expands at its due time, the members the topic gained meanwhile are charged in the
/// snapshot's transaction. What the quota cannot take is not sent (`refuse`) or held until the reset (`hold`, up to next
/// month's quota), as the tenant's setting for the channel says; members it lost are given back.
/// </summary>
[Collection("platform")]
public class DelayedFanOutQuotaTests(PlatformFixture service)
{
    private static string[] Users(string prefix, int n) => Enumerable.Range(0, n).Select(i => $"{prefix}{i:000}").ToArray();

    private async Task<TestTenant> TenantWithQuotaAsync(long perMonth, string overage)
    {
        var tenant = await service.NewTenantAsync(null);
        var set = await MonthlyQuotaTests.SetQuotasAsync(service, tenant.Id, new { in_app = new { perMonth, overage } });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        return tenant;
    }

    /// <summary>An hour ahead, in whole seconds (so that it reads back from PostgreSQL as it was sent).</summary>
    private readonly DateTimeOffset _sendAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());

    private object ScheduledTo(string topic) => new
    {
        channel = "in_app", recipient = new { topics = new[] { topic } }, content = new { subject = "Notice", body = "Water off" },
        sendAt = _sendAt,
    };

    private async Task<JsonNode> QuotaAsync(Guid tenantId) =>
        JsonNode.Parse(await service.Platform().GetStringAsync($"/api/v1/platform/tenants/{tenantId}"))!["quotas"]!["in_app"]!;

    private Task<long> NotificationsAsync(Guid tenantId, string where = "true") =>
        service.ScalarAsync<long>($"select count(*) from notifications where tenant_id = $1 and channel = 'in_app' and {where}", tenantId);

    /// <summary>Accepted for one member, the topic grows to 500 before the send is due; then it expands.</summary>
    private async Task<Guid> ScheduledSendToATopicThatGrowsTo500Async(TestTenant tenant)
    {
        await tenant.Http.TopicWithAsync("residents", "first");
        var fanOut = await tenant.Http.SendToTopicsAsync(ScheduledTo("residents"));
        Assert.Equal(1L, (await QuotaAsync(tenant.Id))["used"]!.GetValue<long>());   // charged its one member at accept
        for (var i = 0; i < 499; i += 100) await tenant.Http.MembersOkAsync("residents", Users("m", 499).Skip(i).Take(100).ToArray());
        await service.DueNowAsync(tenant.Id);
        await tenant.Http.WaitForFanOutAsync(fanOut, "completed");
        return fanOut;
    }

    [Fact]
    public async Task A_scheduled_topic_send_that_grew_to_500_members_sends_only_what_a_refusing_quota_of_10_takes()
    {
        var tenant = await TenantWithQuotaAsync(10, "refuse");
        var fanOut = await ScheduledSendToATopicThatGrowsTo500Async(tenant);

        Assert.Equal(10L, await NotificationsAsync(tenant.Id));
        var status = await tenant.Http.GetJsonAsync(TopicsApi.FanOut(fanOut));
        Assert.Equal((500L, 10L), (status["membersTotal"]!.GetValue<long>(), status["notificationsCreated"]!.GetValue<long>()));
        Assert.Equal(10L, (await QuotaAsync(tenant.Id))["used"]!.GetValue<long>());
        var next = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "in_app", recipient = new { userId = "first" }, content = new { body = "x" } });
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);   // the month is spent: the next send is refused
    }

    [Fact]
    public async Task With_a_holding_quota_the_members_beyond_it_wait_for_the_reset_up_to_next_months_quota()
    {
        var tenant = await TenantWithQuotaAsync(10, "hold");
        await ScheduledSendToATopicThatGrowsTo500Async(tenant);

        Assert.Equal(20L, await NotificationsAsync(tenant.Id));
        // The ten charged now go at the time the send asked for; the ten held, at the reset, or at that time when it is later
        // (in a month's last hour it is, and then all twenty go at it).
        var heldUntil = MonthlyQuotaTests.NextMonth > _sendAt ? MonthlyQuotaTests.NextMonth : _sendAt;
        Assert.Equal(heldUntil == _sendAt ? 20L : 10L, await NotificationsAsync(tenant.Id, $"send_at = '{heldUntil:O}'::timestamptz"));
        Assert.Equal(20L, await NotificationsAsync(tenant.Id, $"send_at in ('{_sendAt:O}'::timestamptz, '{heldUntil:O}'::timestamptz)"));
        var quota = await QuotaAsync(tenant.Id);
        Assert.Equal((10L, 10L), (quota["used"]!.GetValue<long>(), quota["heldForNextMonth"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Members_a_scheduled_send_lost_before_it_expanded_are_given_back_to_the_quota()
    {
        var tenant = await TenantWithQuotaAsync(10, "refuse");
        await tenant.Http.TopicWithAsync("residents", Users("m", 8));
        var fanOut = await tenant.Http.SendToTopicsAsync(ScheduledTo("residents"));
        Assert.Equal(8L, (await QuotaAsync(tenant.Id))["used"]!.GetValue<long>());
        Assert.Equal((5, 3L), await tenant.Http.MembersOkAsync("residents", Users("m", 5), remove: true));
        await service.DueNowAsync(tenant.Id);
        await tenant.Http.WaitForFanOutAsync(fanOut, "completed");

        Assert.Equal(3L, await NotificationsAsync(tenant.Id));
        Assert.Equal(3L, (await QuotaAsync(tenant.Id))["used"]!.GetValue<long>());
    }
}
