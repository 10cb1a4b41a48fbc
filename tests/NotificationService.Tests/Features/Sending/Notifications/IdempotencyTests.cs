using System.Net;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Notifications;

[Collection("service")]
public class IdempotencyTests(ServiceFixture service)
{
    [Fact]
    public async Task The_same_key_and_body_replays_the_first_response()
    {
        var tenant = await service.NewTenantAsync();
        var first = await tenant.Http.PostJsonAsync(Api.Send, Api.Email(), idempotencyKey: "order-1");
        var second = await tenant.Http.PostJsonAsync(Api.Send, Api.Email(), idempotencyKey: "order-1");

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.PostJsonAsync(Api.Send, Api.Email(), idempotencyKey: "k");
        var other = await tenant.Http.PostJsonAsync(Api.Send, Api.Email(to: "bob@example.com"), idempotencyKey: "k");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task The_same_json_with_other_spacing_and_key_order_is_the_same_request()
    {
        var tenant = await service.NewTenantAsync();
        async Task<HttpResponseMessage> PostRaw(string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Api.Send) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", "same-meaning");
            return await tenant.Http.SendAsync(request);
        }
        var first = await PostRaw("""{"channel":"email","recipient":{"email":"ada@example.com"},"content":{"subject":"s","body":"b"}}""");
        var second = await PostRaw("""
            {
              "content": { "body": "b", "subject": "s" },
              "recipient": { "email": "ada@example.com" },
              "channel": "email"
            }
            """);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));

        var changed = await PostRaw("""{"channel":"email","recipient":{"email":"ada@example.com"},"content":{"subject":"s","body":"B"}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);   // a value that differs is another request
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_create_exactly_one_notification()
    {
        var tenant = await service.NewTenantAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => tenant.Http.PostJsonAsync(Api.Send, Api.Email(), idempotencyKey: "race")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Single((await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()))).Distinct());
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Keys_are_per_tenant()
    {
        var a = await service.NewTenantAsync();
        var b = await service.NewTenantAsync();
        await a.Http.PostJsonAsync(Api.Send, Api.Email(), idempotencyKey: "shared");
        var fromB = await b.Http.PostJsonAsync(Api.Send, Api.Email(), idempotencyKey: "shared");
        Assert.False(fromB.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", b.Id));
    }
}
