using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NotificationService.Client.Http;

/// <summary>
/// One logical call: the request is built once (its body serialised to bytes once, its Idempotency-Key made once), then
/// handed to the HttpClient whose resilience handler sends it as many times as it must. Every attempt therefore carries
/// the same bytes and the same key, and the service answers a repeat with the first answer instead of sending twice.
/// </summary>
internal sealed class ApiTransport(Func<HttpClient> client)
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>A successful answer, read whole.</summary>
    public readonly record struct Answer(int Status, byte[] Body, bool Replayed)
    {
        public T Read<T>(JsonTypeInfo<T> type) =>
            JsonSerializer.Deserialize(Body, type)
                ?? throw new NotificationServiceException(Status, null, "Empty answer", "The service answered no body.", null, null);
    }

    public static HttpContent Json<T>(T value, JsonTypeInfo<T> type, string mediaType = "application/json")
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return content;
    }

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, path, null, null, ct).ConfigureAwait(false)).Read(type);

    public async Task<TResult> SendAsync<TBody, TResult>(HttpMethod method, string path, TBody body, JsonTypeInfo<TBody> bodyType,
        JsonTypeInfo<TResult> resultType, string? idempotencyKey, CancellationToken ct, string mediaType = "application/json") =>
        (await SendAsync(method, path, Json(body, bodyType, mediaType), idempotencyKey, ct).ConfigureAwait(false)).Read(resultType);

    public async Task<Answer> SendAsync(HttpMethod method, string path, HttpContent? content, string? idempotencyKey, CancellationToken ct)
    {
        using var request = Request(method, path, content, idempotencyKey);
        using var response = await client().SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var body = await ReadAsync(response, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw Problem(response, body);
        return new Answer((int)response.StatusCode, body, response.Headers.TryGetValues(ReplayedHeader, out var v) && v.Contains("true"));
    }

    /// <summary>A download copied to <paramref name="destination"/> as it arrives (an export, an error report).</summary>
    public async Task CopyToAsync(string path, Stream destination, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, path, null, null);
        using var response = await client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw Problem(response, await ReadAsync(response, ct).ConfigureAwait(false));
        var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using var _ = body.ConfigureAwait(false);
        await body.CopyToAsync(destination, ct).ConfigureAwait(false);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        // Made here, before the resilience handler: every retry of this call sends this same key.
        if (method == HttpMethod.Post)
            request.Headers.TryAddWithoutValidation(IdempotencyHeader, idempotencyKey ?? Guid.NewGuid().ToString("N"));
        request.Headers.TryAddWithoutValidation("Accept", "application/json");   // a constant: nothing to parse per call
        return request;
    }

    private static Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken ct) => response.Content.ReadAsByteArrayAsync(ct);

    /// <summary>The answer's problem details, or what can be said without them (an empty 404, a proxy's HTML page).</summary>
    internal static NotificationServiceException Problem(HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        ProblemBody? problem = null;
        if (body.Length > 0 && response.Content.Headers.ContentType?.MediaType is { } type
            && type.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try { problem = JsonSerializer.Deserialize(body, ClientJson.Default.ProblemBody); }
            catch (JsonException) { }
        }
        if (problem is null)
            return new NotificationServiceException(status, null, response.ReasonPhrase, body.Length == 0 ? null : Excerpt(body),
                null, null);
        return new NotificationServiceException(status, problem.Type, problem.Title ?? response.ReasonPhrase, problem.Detail,
            problem.Errors, problem.TraceId);
    }

    private static string Excerpt(byte[] body) => Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 500));

    /// <summary>A path segment as the URL needs it (a userId may hold any character).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary><paramref name="path"/> with the query parameters that have a value.</summary>
    public static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var sb = new StringBuilder(path);
        var first = true;
        foreach (var (name, value) in parameters)
        {
            if (value is null) continue;
            sb.Append(first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }
        return sb.ToString();
    }
}
