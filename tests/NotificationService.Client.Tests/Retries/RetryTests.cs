using Microsoft.AspNetCore.Http;

namespace NotificationService.Client.Tests.Retries;

/// <summary>
/// One retry layer, and retries that never send twice: every attempt of one call carries the Idempotency-Key made for
/// that call; the service's Retry-After sets the wait; a refusal of the request itself is not retried.
/// </summary>
public class RetryTests
{
    [Fact]
    public async Task Two_503s_then_a_202_are_one_call_whose_three_attempts_carry_the_same_idempotency_key()
    {
        var answers = new Queue<int>([503, 503, 202]);
        await using var server = await LoopbackServer.StartAsync(async (_, ctx) =>
        {
            ctx.Response.StatusCode = answers.Dequeue();
            if (ctx.Response.StatusCode == 202) { ctx.Response.ContentType = "application/json"; await ctx.Response.WriteAsync(LoopbackClient.Accepted); }
        });
        using var client = new LoopbackClient(server);

        var sent = await client.Client.Notifications.SendAsync(LoopbackClient.Email());

        Assert.Equal(Guid.Parse("0193a6a4-0000-7000-8000-000000000001"), Assert.Single(sent.Notifications).Id);
        var attempts = server.Requests.ToList();
        Assert.Equal(3, attempts.Count);
        var key = attempts[0].Header("Idempotency-Key");
        Assert.False(string.IsNullOrEmpty(key));
        Assert.All(attempts, a => Assert.Equal(key, a.Header("Idempotency-Key")));
        Assert.All(attempts, a => Assert.Equal(attempts[0].Body, a.Body));
    }

    [Fact]
    public async Task Two_calls_get_two_keys_and_a_key_the_caller_gives_is_the_one_sent()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Respond(202, LoopbackClient.Accepted));
        using var client = new LoopbackClient(server);

        await client.Client.Notifications.SendAsync(LoopbackClient.Email());
        await client.Client.Notifications.SendAsync(LoopbackClient.Email());
        await client.Client.Notifications.SendAsync(LoopbackClient.Email(), idempotencyKey: "signup-42");

        var keys = server.Requests.Select(r => r.Header("Idempotency-Key")).ToList();
        Assert.Equal(3, keys.Distinct().Count());
        Assert.Equal("signup-42", keys[2]);
    }

    [Fact]
    public async Task A_429_with_Retry_After_waits_that_long_before_the_next_attempt()
    {
        var first = true;
        await using var server = await LoopbackServer.StartAsync(async (_, ctx) =>
        {
            if (first) { first = false; ctx.Response.StatusCode = 429; ctx.Response.Headers.RetryAfter = "1"; return; }
            ctx.Response.StatusCode = 202;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(LoopbackClient.Accepted);
        });
        using var client = new LoopbackClient(server);   // backoff of 10 ms: only the Retry-After explains a wait of a second

        await client.Client.Notifications.SendAsync(LoopbackClient.Email());

        var attempts = server.Requests.ToList();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(950),
            $"the second attempt came {(attempts[1].At - attempts[0].At).TotalMilliseconds:0} ms after the first; Retry-After asked for 1 s");
    }

    [Fact]
    public async Task A_400_is_not_retried_and_arrives_as_the_exception_with_its_field_errors()
    {
        await using var server = await LoopbackServer.StartAsync(async (_, ctx) =>
        {
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/problem+json";
            await ctx.Response.WriteAsync("""
                {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
                 "errors":{"recipient.email":["Not an email address."]},"traceId":"00-abc-def-01","someLaterField":1}
                """);
        });
        using var client = new LoopbackClient(server);

        var e = await Assert.ThrowsAsync<NotificationServiceException>(() => client.Client.Notifications.SendAsync(LoopbackClient.Email()));

        Assert.Single(server.Requests);
        Assert.Equal(400, e.Status);
        Assert.Equal("One or more validation errors occurred.", e.Title);
        Assert.Equal(new[] { "Not an email address." }, e.Errors["recipient.email"]);
        Assert.Equal("00-abc-def-01", e.TraceId);
        Assert.StartsWith("https://tools.ietf.org", e.Type);
    }

    [Fact]
    public async Task A_500_is_not_retried_either_since_the_service_may_have_acted()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Respond(500));
        using var client = new LoopbackClient(server);

        var e = await Assert.ThrowsAsync<NotificationServiceException>(() => client.Client.Notifications.GetAsync(Guid.NewGuid()));

        Assert.Single(server.Requests);
        Assert.Equal(500, e.Status);
    }

    [Fact]
    public async Task A_503_that_never_ends_fails_with_the_last_answer_after_the_retries_configured()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Respond(503));
        using var client = new LoopbackClient(server, o => o.MaxRetries = 2);

        var e = await Assert.ThrowsAsync<NotificationServiceException>(() => client.Client.Topics.GetAsync("t"));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(503, e.Status);
    }
}
