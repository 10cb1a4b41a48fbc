using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace NotificationService.Tests.Features.People.EndUserAuth;

/// <summary>A tenant's identity provider on loopback: serves a JWKS document the test can change (key rotation).</summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private volatile string _document = """{"keys":[]}""";
    private int _requests;
    public string Url { get; }
    public int Requests => Volatile.Read(ref _requests);

    private JwksServer(int port)
    {
        Url = $"http://127.0.0.1:{port}/jwks.json";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
    }

    public static Task<JwksServer> StartAsync()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new JwksServer(port);
        server._listener.Start();
        _ = server.ServeAsync();
        return Task.FromResult(server);
    }

    public void Publish(params (string Kid, RSA Key)[] keys) => _document = JsonSerializer.Serialize(new
    {
        keys = keys.Select(k =>
        {
            var p = k.Key.ExportParameters(false);
            return new { kty = "RSA", use = "sig", alg = "RS256", kid = k.Kid, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) };
        }),
    });

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _requests);
            var bytes = Encoding.UTF8.GetBytes(_document);
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        return ValueTask.CompletedTask;
    }
}
