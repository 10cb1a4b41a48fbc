using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using NotificationService.Client.AspNetCore;
using NotificationService.Client.Webhooks;

namespace NotificationService.Client.Tests.Webhooks;

/// <summary>
/// MapNotificationWebhooks on real Kestrel: a signed delivery reaches the handler as its typed event, once per
/// webhook-id; a bad signature is a 401 the handler never sees; a handler that throws gets the service's retry.
/// </summary>
public sealed class WebhookEndpointTests : IAsyncLifetime
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("receiver-spec-secret-24b"));
    private WebApplication _app = null!;
    private readonly HttpClient _http = new();
    private readonly ConcurrentQueue<NotificationEvent> _handled = new();
    private volatile bool _fail;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddNotificationWebhooks(o => o.Verifier.Secrets.Add(Secret));
        _app = builder.Build();
        _app.MapNotificationWebhooks("/hooks/notifications", (e, ct) =>
        {
            if (_fail) throw new InvalidOperationException("the handler's database is down");
            _handled.Enqueue(e);
            return Task.CompletedTask;
        });
        await _app.StartAsync();
        _http.BaseAddress = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string id, string body, string? signature = null)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/notifications") { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", ts.ToString());
        request.Headers.Add("webhook-signature", signature ?? WebhookVerifier.Sign(Secret, id, ts, bytes));
        return _http.SendAsync(request);
    }

    private const string Delivered = """{"type":"notification.delivered","timestamp":"2026-11-26T10:00:00.000Z","data":{"notificationId":"0193a6a4-0000-7000-8000-000000000001","channel":"sms","status":"delivered"}}""";

    [Fact]
    public async Task A_signed_delivery_reaches_the_handler_typed_and_its_repeat_is_answered_without_handling_it_again()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync("msg_a", Delivered)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("msg_a", Delivered)).StatusCode);

        var e = Assert.IsType<NotificationStatusEvent>(Assert.Single(_handled));
        Assert.Equal(("msg_a", "delivered", "sms"), (e.WebhookId, e.Status, e.Channel));
    }

    [Fact]
    public async Task A_bad_signature_is_a_401_problem_and_the_handler_never_sees_it()
    {
        var other = "whsec_" + Convert.ToBase64String(new byte[24]);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var response = await PostAsync("msg_b", Delivered, WebhookVerifier.Sign(other, "msg_b", ts, Encoding.UTF8.GetBytes(Delivered)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task A_handler_that_throws_answers_500_so_the_retry_of_that_id_is_handled()
    {
        _fail = true;
        Assert.Equal(HttpStatusCode.InternalServerError, (await PostAsync("msg_c", Delivered)).StatusCode);
        _fail = false;
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync("msg_c", Delivered)).StatusCode);

        Assert.Equal("msg_c", Assert.Single(_handled).WebhookId);
    }
}
