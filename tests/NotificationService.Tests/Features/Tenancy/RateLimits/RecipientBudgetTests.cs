using System.Net;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.RateLimits;

/// <summary>
/// What one request reaches by naming a topic (a send, a workflow trigger, a live event) or a list of users (a live
/// event) is charged, before the 202, to the same recipient budget a batch is charged from (the `batch` bucket): past
/// what is left it is a 429 naming the budget and nothing is created, and what it took is gone for the batch after it.
/// Each tenant here has a budget of 10 recipients refilling at one per ten seconds, so no refill falls inside a spec.
/// </summary>
[Collection("service")]
public class RecipientBudgetTests(ServiceFixture service)
{
    private const string Batch = "/api/v1/services/notifications/send-batch";

    private async Task<TestTenant> TenantWithBudgetOfTenAsync()
    {
        var tenant = await service.NewTenantAsync();   // sandbox providers: the workflow's email step needs one at accept
        await service.RaiseLimitAsync(tenant.Id, EndpointClass.Batch, perSecond: 0.1, burst: 10);
        return tenant;
    }

    private static string[] Users(string prefix, int n) => Enumerable.Range(0, n).Select(i => $"{prefix}{i}").ToArray();

    private static object BatchOf(int n) => new
    {
        channel = "in_app", content = new { subject = "Hi", body = "Hello" }, recipients = Users("b", n).Select(u => new { userId = u }).ToArray(),
    };

    private static object ToTopic(string topic) => new { channel = "in_app", recipient = new { topics = new[] { topic } }, content = new { subject = "Hi", body = "Hello" } };

    private static async Task AssertRefusedByTheBudgetAsync(HttpResponseMessage refused, int recipients)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
        var detail = (await refused.JsonAsync())["detail"]!.GetValue<string>();
        Assert.Contains($"reaches {recipients} recipients", detail);
        Assert.Contains("recipient budget", detail);
        Assert.Contains("batch rate limit", detail);
    }

    private Task<long> FanOutsAsync(TestTenant tenant) => service.ScalarAsync<long>("select count(*) from fan_outs where tenant_id = $1", tenant.Id);

    [Fact]
    public async Task A_send_to_a_topic_larger_than_what_the_budget_has_left_is_a_429_naming_it_and_creates_nothing()
    {
        var tenant = await TenantWithBudgetOfTenAsync();
        await tenant.Http.TopicWithAsync("eight", Users("m", 8));
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PostJsonAsync(Batch, BatchOf(5))).StatusCode);   // 5 of 10 left

        await AssertRefusedByTheBudgetAsync(await tenant.Http.PostJsonAsync(Api.Send, ToTopic("eight"), "topic-1"), 8);
        Assert.Equal(0, await FanOutsAsync(tenant));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from idempotency_keys where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_send_to_a_topic_within_the_budget_is_accepted_and_the_batch_after_it_is_refused()
    {
        var tenant = await TenantWithBudgetOfTenAsync();
        await tenant.Http.TopicWithAsync("eight", Users("m", 8));

        await tenant.Http.SendToTopicsAsync(ToTopic("eight"));   // 2 of 10 left
        var refused = await tenant.Http.PostJsonAsync(Batch, BatchOf(5));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.StartsWith("\"batch\";q=10", refused.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from batches where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_topic_larger_than_the_whole_budget_takes_a_full_budget_and_its_debt_refuses_what_follows()
    {
        var tenant = await TenantWithBudgetOfTenAsync();
        await tenant.Http.TopicWithAsync("fifteen", Users("m", 15));

        await tenant.Http.SendToTopicsAsync(ToTopic("fifteen"));   // all 10, and 5 owed: charging only the burst let it repeat
        var again = await tenant.Http.PostJsonAsync(Api.Send, ToTopic("fifteen"));
        await AssertRefusedByTheBudgetAsync(again, 15);
        Assert.Contains("admitted only when the budget is full", (await again.JsonAsync())["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await tenant.Http.PostJsonAsync(Batch, BatchOf(1))).StatusCode);
        Assert.Equal(1, await FanOutsAsync(tenant));
    }

    [Fact]
    public async Task A_workflow_trigger_to_a_topic_is_charged_its_members_and_one_past_the_budget_starts_nothing()
    {
        var tenant = await TenantWithBudgetOfTenAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "notice", channel = "email", locale = "en", parts = new { subject = "Notice", text = "t" } });
        await tenant.Http.PublishWorkflowAsync("""{"key":"notice","name":"Notice","steps":[{"id":"mail","type":"send","channel":"email","template":"notice"}]}""");
        await tenant.Http.TopicWithAsync("six", Users("m", 6));
        var trigger = $"{WorkflowApi.Services}/notice/trigger";

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PostJsonAsync(trigger, new { topics = new[] { "six" } })).StatusCode);   // 4 left
        await AssertRefusedByTheBudgetAsync(await tenant.Http.PostJsonAsync(trigger, new { topics = new[] { "six" } }), 6);
        Assert.Equal(1, await FanOutsAsync(tenant));
    }

    [Fact]
    public async Task A_live_event_is_charged_its_users_or_its_topics_members_and_one_past_the_budget_stores_nothing()
    {
        var tenant = await TenantWithBudgetOfTenAsync();
        await tenant.Http.TopicWithAsync("three", Users("m", 3));

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PublishAsync(new { to = new { userIds = Users("a", 6) }, type = "ping", data = new { } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PublishAsync(new { to = new { topics = new[] { "three" } }, type = "ping" })).StatusCode);   // 1 left

        await AssertRefusedByTheBudgetAsync(await tenant.Http.PublishAsync(new { to = new { userIds = Users("z", 2) }, type = "ping" }), 2);
        await AssertRefusedByTheBudgetAsync(await tenant.Http.PublishAsync(new { to = new { topics = new[] { "three" } }, type = "ping" }), 3);
        Assert.Equal(6, await service.ScalarAsync<long>("select count(*) from inbox_events where tenant_id = $1", tenant.Id));
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from topic_events where tenant_id = $1", tenant.Id));
    }
}
