using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// An error answer is `application/problem+json` whatever the request's `Accept` says, the same body a JSON client gets.
/// The framework's writer only writes for an Accept that admits JSON, and with no writer left every 4xx became an empty
/// 500: for `text/plain`, `text/html`, and `text/event-stream`, which is what a browser's EventSource sends.
/// </summary>
[Collection("service")]
public class ProblemDetailsAcceptTests(ServiceFixture service)
{
    public static readonly string[] Accepts =
        ["text/plain", "text/html", "text/event-stream", "*/*", "application/xml", "garbage", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"];

    private sealed record Case(string Name, HttpStatusCode Status, HttpClient Client, Func<HttpRequestMessage> Request);

    [Fact]
    public async Task Every_error_status_answers_problem_json_with_the_same_body_for_every_accept()
    {
        var tenant = await service.NewTenantAsync();
        var created = await (await tenant.Http.PostJsonAsync("/api/v1/admin/api-keys", new { name = "send only", scopes = new[] { "notifications:send" } })).JsonAsync();
        var sendOnly = service.Client(created["key"]!.GetValue<string>());
        var anonymous = service.Factory.CreateClient();
        const string send = "/api/v1/services/notifications/send";
        HttpRequestMessage Json(HttpMethod method, string url, string body, string type = "application/json") =>
            new(method, url) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", type } } } };

        Case[] cases =
        [
            new("400 invalid send", HttpStatusCode.BadRequest, tenant.Http, () => Json(HttpMethod.Post, send, "{}")),
            new("401 no key", HttpStatusCode.Unauthorized, anonymous, () => new(HttpMethod.Get, "/api/v1/admin/audit")),
            new("403 scope", HttpStatusCode.Forbidden, sendOnly, () => new(HttpMethod.Get, "/api/v1/admin/audit")),
            new("404 unknown id", HttpStatusCode.NotFound, tenant.Http, () => new(HttpMethod.Get, $"/api/v1/services/notifications/{Guid.NewGuid()}")),
            new("405 method", HttpStatusCode.MethodNotAllowed, tenant.Http, () => new(HttpMethod.Post, "/api/v1/admin/audit")),
            new("413 body", HttpStatusCode.RequestEntityTooLarge, tenant.Http, () => Json(HttpMethod.Post, send, $"{{\"channel\":\"{new string('x', 1_100_000)}\"}}")),
            new("415 type", HttpStatusCode.UnsupportedMediaType, tenant.Http, () => Json(HttpMethod.Post, send, "{}", "text/plain")),
            new("422 category", HttpStatusCode.UnprocessableEntity, tenant.Http,
                () => Json(HttpMethod.Put, "/api/v1/services/users/ada/preferences", """{"categories":{"nope":{"email":false}}}""")),
        ];

        foreach (var c in cases)
        {
            var expected = await ProblemAsync(c, "application/json");
            foreach (var accept in Accepts)
                Assert.Equal(expected, await ProblemAsync(c, accept));
        }
    }

    [Fact]
    public async Task EventSource_with_a_spent_stream_ticket_gets_a_401_problem()
    {
        var tenant = await service.NewTenantAsync();
        var user = await service.UserClientAsync(tenant, "ada");
        var ticket = (await (await user.PostAsync($"{EndUsers.Me}/stream-ticket", null)).JsonAsync())["ticket"]!.GetValue<string>();
        var anonymous = service.Factory.CreateClient();
        await using (await SseClient.OpenAsync(anonymous, $"{EndUsers.Me}/stream?ticket={ticket}")) { }   // spends it

        using var response = await anonymous.SendAsync(EventSourceGet($"{EndUsers.Me}/stream?ticket={ticket}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("The ticket is unknown, used or expired.", (await response.JsonAsync())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task EventSource_from_a_web_origin_the_tenant_does_not_list_gets_a_403_problem_and_a_service_key_a_401()
    {
        var tenant = await service.NewTenantAsync();
        var user = await service.UserClientAsync(tenant, "ada");
        using var response = await user.SendAsync(EventSourceGet($"{EndUsers.Me}/stream", origin: "https://not-listed.example"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("does not list the web origin", (await response.JsonAsync())["errors"]!["Origin"]![0]!.GetValue<string>());

        // A backend's API key is a valid credential of the wrong kind: the end-user scheme does not know it (401).
        using var refused = await tenant.Http.SendAsync(EventSourceGet($"{EndUsers.Me}/stream"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A GET with the headers a browser's EventSource sends (and the page's origin, when it is another).</summary>
    private static HttpRequestMessage EventSourceGet(string url, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Cache-Control", "no-cache");
        if (origin is not null) request.Headers.Add("Origin", origin);
        return request;
    }

    /// <summary>"status content-type body" with the traceId taken out (it differs per request).</summary>
    private static async Task<string> ProblemAsync(Case c, string accept)
    {
        using var request = c.Request();
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await c.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(c.Status == response.StatusCode, $"{c.Name}, Accept: {accept}: {(int)response.StatusCode} {text}");
        var type = response.Content.Headers.ContentType?.MediaType;
        Assert.True(type == "application/problem+json", $"{c.Name}, Accept: {accept}: content type {type}, body {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)c.Status, body["status"]!.GetValue<int>());
        body.Remove("traceId");
        return $"{(int)response.StatusCode} {type} {body.ToJsonString()}";
    }
}
