using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NotificationService.Bench.Webhooks;

/// <summary>
/// A Kestrel receiver in the bench process, answering 200 as a fast tenant system would. It verifies the
/// Standard Webhooks signature of every 10th request (computed here, independently of the service's signer),
/// so the figure is for deliveries that a receiver would accept, not just for bytes on a socket.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private const int VerifyEvery = 10;
    private readonly WebApplication _app;
    private byte[] _key = [];
    private long _received, _verified, _badSignatures;

    public string Url { get; private set; } = "";
    public long Received => Interlocked.Read(ref _received);
    public long Verified => Interlocked.Read(ref _verified);
    public long BadSignatures => Interlocked.Read(ref _badSignatures);

    private WebhookReceiver(WebApplication app) => _app = app;

    public void UseSecret(string whsec) => _key = Convert.FromBase64String(whsec["whsec_".Length..]);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var self = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            if (Interlocked.Increment(ref self._received) % VerifyEvery == 0) self.Verify(http.Request.Headers, buffer.ToArray());
            return Results.Ok();
        });
        await app.StartAsync();
        self.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
        return self;
    }

    private void Verify(IHeaderDictionary headers, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes($"{headers["webhook-id"]}.{headers["webhook-timestamp"]}.").Concat(body).ToArray();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, signed));
        if (headers["webhook-signature"].ToString().Split(' ').Contains(expected)) Interlocked.Increment(ref _verified);
        else Interlocked.Increment(ref _badSignatures);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
