using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotificationService.Infrastructure;

/// <summary>
/// Reads a JSON request body strictly: `application/json` only (415), at most the endpoint's limit (413),
/// unknown properties and malformed JSON rejected with the JSON path of the problem (400).
/// </summary>
public static class JsonBody
{
    public const int DefaultLimitBytes = 1024 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new UtcTime.JsonConverter() },
        MaxDepth = 64,
        // A name given twice is ambiguous (which one did the caller mean?), and in free-form JSON (`data`) it was a 500 the
        // first time anything counted the object's members. Refused at any depth with the path of the second one.
        AllowDuplicateProperties = false,
    };

    public static async Task<(T Value, byte[] Raw)> ReadAsync<T>(HttpRequest request, int limitBytes = DefaultLimitBytes,
        CancellationToken ct = default)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !request.ContentType.Contains("+json", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaTypeException("Send the body as application/json.");
        // RFC 8259: JSON exchanged between systems is UTF-8. Another charset would be misread as UTF-8, so it is refused.
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var media) && media.Charset.HasValue
            && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaTypeException($"JSON bodies are UTF-8; charset={media.Charset} is not supported.");
        if (request.ContentLength > limitBytes)
            throw new PayloadTooLargeException($"The body is larger than {limitBytes} bytes.");

        var raw = request.ContentLength is { } length
            ? await ReadExactAsync(request.Body, length, ct)
            : await ReadLimitedAsync(request.Body, limitBytes, ct);
        if (raw.Length == 0) throw RequestValidationException.For("$", "A JSON body is required.");
        try
        {
            if (StorableText.FindInJson(raw) is { } unstorable) throw RequestValidationException.For(unstorable, StorableText.Problem);
            var value = JsonSerializer.Deserialize<T>(raw, Options);
            if (value is null) throw RequestValidationException.For("$", "A JSON object is required.");
            if (JsonNullItems.Find(value, Options) is { Count: > 0 } nullItems) throw new RequestValidationException(nullItems);
            return (value, raw);
        }
        catch (JsonException e)
        {
            throw JsonReadErrors.Of(e, raw, Options.MaxDepth);
        }
        catch (ArgumentException) when (JsonDuplicateNames.Find(raw) is { } duplicate)
        {
            throw RequestValidationException.For(duplicate, "A property named twice.");
        }
    }

    /// <summary>
    /// A body of a declared length (already checked against the limit) read into one array of that size. Buffering it in a
    /// growing MemoryStream and copying it out cost a bulk identify of 1,000 profiles (~200 KB) three large-object-heap
    /// arrays per request, and the collections they triggered. Kestrel refuses a body longer than its Content-Length, and
    /// answers 400 to one that ends early; a short read is kept short all the same.
    /// </summary>
    private static async Task<byte[]> ReadExactAsync(Stream body, long length, CancellationToken ct)
    {
        var raw = new byte[length];
        var at = 0;
        while (at < raw.Length && await body.ReadAsync(raw.AsMemory(at), ct) is var read and > 0) at += read;
        return at == raw.Length ? raw : raw[..at];
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw new PayloadTooLargeException($"The body is larger than {limit} bytes.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
