using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace NotificationService.Bench.Service;

/// <summary>POST /send over a keep-alive SocketsHttpHandler; returns the accepted notification id.
/// The body is a small inline-content email unless the caller gives another.</summary>
public sealed class SendClient : IDisposable
{
    private static readonly byte[] DefaultBody = Encoding.UTF8.GetBytes("""
        {"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"Hi","body":"Hello {{name}}"},"data":{"name":"bench"}}
        """);

    private readonly HttpClient _http;
    private readonly byte[] _body;

    public SendClient(Uri baseAddress, int maxConnections, byte[]? body = null)
    {
        _body = body ?? DefaultBody;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
    }

    /// <summary>The id on 202; null on any other answer (counted as an error by the caller).</summary>
    public async Task<Guid?> SendAsync(CancellationToken ct = default)
    {
        using var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await _http.PostAsync("api/v1/services/notifications/send", content, ct);
            if (response.StatusCode != HttpStatusCode.Accepted) return null;
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
            return doc.RootElement.GetProperty("id").GetGuid();
        }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return null; }
    }

    public async Task<string> DescribeFailureAsync()
    {
        using var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync("api/v1/services/notifications/send", content);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    public void Dispose() => _http.Dispose();
}
