using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using NotificationService.Tests.Support;
using Xunit.Abstractions;

namespace NotificationService.Tests.Infrastructure;

/// <summary>A host of its own with the API rate limits off, so hundreds of requests reach validation, not a 429.</summary>
public sealed class FuzzFixture : ServiceFixture
{
    public const string PlatformKey = "nsp_fuzz0000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("RateLimits:Enabled", "false");
        builder.UseSetting("Platform:Keys:fuzz", PlatformKey);   // the platform routes are walked with an operator key
    }
}

[CollectionDefinition("fuzz")]
public class FuzzCollection : ICollectionFixture<FuzzFixture>;

/// <summary>
/// Walks every operation of the OpenAPI document with generated requests, valid and invalid (wrong types, missing and
/// extra fields, NUL, unicode, deep nesting, long strings, malformed JSON, another content type, bad path and query
/// values), and asserts: no 5xx; no 2xx for an invalid request; every answer's status is one the document lists for
/// that operation, with its content type; and a JSON 2xx body matches the documented schema.
/// </summary>
[Collection("fuzz")]
public class ApiFuzzTests(FuzzFixture service, ITestOutputHelper output)
{
    private sealed record Sent(string Operation, string Variant, bool Invalid, HttpStatusCode Status, string? ContentType, string Body);

    [Fact]
    public async Task Every_operation_answers_generated_valid_and_invalid_requests_as_documented_and_never_with_a_5xx()
    {
        var tenant = await service.NewTenantAsync();
        // End-user routes are walked with an end-user token (an API key only ever gets their 401).
        var user = await service.UserClientAsync(tenant, "fuzz-user");
        await service.SendInAppAsync(tenant, "fuzz-user");
        var operatorClient = service.Client(FuzzFixture.PlatformKey);
        var doc = JsonNode.Parse(await service.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var schemas = new OpenApiSchemas(doc);
        var results = new List<Sent>();
        var problems = new List<string>();
        var operations = 0;

        foreach (var (path, item) in doc["paths"]!.AsObject())
        foreach (var (method, op) in item!.AsObject())
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            // The live stream answers a valid request with an endless body: Features/People/Inbox/InboxStreamTests covers it.
            if (path == "/api/v1/users/me/stream") continue;
            var endUser = op!["security"]?.ToJsonString().Contains("endUserToken") == true;
            var platform = op!["security"]?.ToJsonString().Contains("platformKey") == true;
            var asZ = new Dictionary<string, HttpStatusCode>();   // per date-time field: the answer to its `Z` form
            var k = operations++;
            foreach (var request in FuzzRequests.For(method, path, op!, schemas))
            {
                // Every Accept a client may send, in turn (shifted per operation, so each operation meets each one).
                var accept = FuzzRequests.Accepts[k++ % FuzzRequests.Accepts.Length];
                using var message = request.Build(accept);
                var response = await (platform ? operatorClient : endUser ? user : tenant.Http).SendAsync(message);
                var body = await response.Content.ReadAsStringAsync();
                var sent = new Sent(name, $"{request.Variant}, Accept: {accept ?? "none"}", request.Invalid, response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
                results.Add(sent);
                problems.AddRange(Check(sent, op!, schemas));
                // One instant written with another offset is the same request: it answers as the `Z` form did.
                if (request.Variant.StartsWith("offset ", StringComparison.Ordinal)
                    && asZ.TryAdd(request.Variant[..request.Variant.LastIndexOf(": ", StringComparison.Ordinal)], response.StatusCode) is false
                    && asZ[request.Variant[..request.Variant.LastIndexOf(": ", StringComparison.Ordinal)]] is var z && z != response.StatusCode)
                    problems.Add($"{name} [{sent.Variant}] → {(int)response.StatusCode}, while the same instant with Z → {(int)z}: {Snippet(body)}");
            }
        }

        var fiveHundreds = results.Count(r => (int)r.Status >= 500);
        output.WriteLine($"{results.Count} requests over {results.Select(r => r.Operation).Distinct().Count()} operations; " +
            $"{results.Count(r => r.Invalid)} invalid; 5xx: {fiveHundreds}; by status: " +
            string.Join(", ", results.GroupBy(r => (int)r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        Assert.True(results.Count >= 500, $"only {results.Count} requests");
        // The offset variants reached the date-time fields of the bodies (send, send-batch) and of the query (audit).
        Assert.True(results.Count(r => r.Variant.StartsWith("offset sendAt", StringComparison.Ordinal)) >= 2 * FuzzRequests.Offsets.Length, "no sendAt offsets");
        Assert.True(results.Count(r => r.Variant.StartsWith("offset query from", StringComparison.Ordinal)) >= FuzzRequests.Offsets.Length, "no query offsets");
        Assert.Equal(FuzzRequests.Accepts.Length, results.Select(r => r.Variant[(r.Variant.LastIndexOf("Accept: ", StringComparison.Ordinal) + 8)..]).Distinct().Count());
        Assert.True(problems.Count == 0, $"{problems.Count} problems in {results.Count} requests:\n" + string.Join("\n", problems.Distinct().Take(60)));
    }

    private static IEnumerable<string> Check(Sent s, JsonNode op, OpenApiSchemas schemas)
    {
        var code = (int)s.Status;
        var where = $"{s.Operation} [{s.Variant}] → {code}";
        if (code >= 500) yield return $"{where}: server error {Snippet(s.Body)}";
        if (s.Invalid && code is >= 200 and < 300) yield return $"{where}: an invalid request was accepted";
        var responses = op["responses"]!.AsObject();
        var documented = responses[code.ToString()] ?? responses["default"];
        if (documented is null) { yield return $"{where}: status not in the document ({string.Join(", ", responses.Select(r => r.Key))})"; yield break; }
        var content = documented["content"]?.AsObject();
        if (content is null || s.Body.Length == 0) yield break;
        if (s.ContentType is null || !content.ContainsKey(s.ContentType)) { yield return $"{where}: content type {s.ContentType} not documented ({string.Join(", ", content.Select(c => c.Key))})"; yield break; }
        if (!s.ContentType.EndsWith("json")) yield break;
        JsonNode? body;
        try { body = JsonNode.Parse(s.Body); }
        catch (System.Text.Json.JsonException) { body = null; }
        if (body is null) { yield return $"{where}: body is not JSON"; yield break; }
        foreach (var error in schemas.Validate(content[s.ContentType]!["schema"], body, "$").Take(3))
            yield return $"{where}: {error}";
    }

    private static string Snippet(string body) => body.Length <= 200 ? body : body[..200] + "…";
}

/// <summary>The requests generated for one operation: one built to be valid by the schema, then the invalid ones.</summary>
internal sealed record FuzzRequest(string Method, string Url, string Variant, bool Invalid, string? Body, string ContentType = "application/json")
{
    public HttpRequestMessage Build(string? accept = null)
    {
        var m = new HttpRequestMessage(new HttpMethod(Method), Url);
        if (Body is not null) m.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body)) { Headers = { { "Content-Type", ContentType } } };
        if (accept is not null) m.Headers.TryAddWithoutValidation("Accept", accept);
        return m;
    }
}

internal static class FuzzRequests
{
    /// <summary>What clients send as Accept: none, JSON, and what browsers, EventSource and odd clients send.</summary>
    public static readonly string?[] Accepts =
        [null, "application/json", "text/plain", "text/html", "text/event-stream", "*/*", "application/xml", "garbage;;q=x"];

    /// <summary>One instant an hour ahead, written with each offset (and form) a date-time may come in.</summary>
    public static readonly (string Name, Func<DateTimeOffset, string> Format)[] Offsets =
    [
        ("Z", t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),   // first: the others answer as it does
        ("+02:00", t => t.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)),
        ("-05:30", t => t.ToOffset(new TimeSpan(-5, -30, 0)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)),
        ("+14:00", t => t.ToOffset(TimeSpan.FromHours(14)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)),
        ("lower-case z", t => t.UtcDateTime.ToString("yyyy-MM-dd't'HH:mm:ss'z'", CultureInfo.InvariantCulture)),
        ("fractional seconds", t => t.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)),
    ];

    public static IEnumerable<FuzzRequest> For(string method, string path, JsonNode op, OpenApiSchemas schemas)
    {
        var m = method.ToUpperInvariant();
        var parameters = op["parameters"]?.AsArray().Select(p => p!).ToList() ?? [];
        string Url(Func<JsonNode, string> pathValue, string query = "") =>
            parameters.Where(p => p["in"]!.GetValue<string>() == "path")
                .Aggregate(path, (u, p) => u.Replace("{" + p["name"]!.GetValue<string>() + "}", Uri.EscapeDataString(pathValue(p)))) + query;
        string ValidPath(JsonNode p) => p["schema"]?["format"]?.GetValue<string>() == "uuid" ? Guid.NewGuid().ToString()
            : p["schema"]?["type"]?.ToJsonString().Contains("integer") == true ? "1" : "email";
        var url = Url(ValidPath);
        var bodySchema = op["requestBody"]?["content"]?["application/json"]?["schema"];
        var takesBody = op["requestBody"] is not null;
        var multipart = op["requestBody"]?["content"]?["multipart/form-data"] is not null;
        var valid = bodySchema is null ? null : schemas.Example(bodySchema, 0)?.ToJsonString();

        yield return new(m, url, "as documented", false, takesBody ? valid ?? "{}" : null, multipart ? "text/plain" : "application/json");
        // Path values that are not what the route takes.
        // Path values that are not what the route takes (an id that is not a uuid or a number); any name for a name.
        bool IsId(JsonNode p) => p["schema"]?["format"]?.GetValue<string>() == "uuid" || p["schema"]?["type"]?.ToJsonString().Contains("integer") == true;
        var pathParams = parameters.Where(p => p["in"]!.GetValue<string>() == "path").ToList();
        if (pathParams.Count > 0)
        {
            var ids = pathParams.Any(IsId);
            yield return new(m, Url(p => IsId(p) ? "not-an-id" : ValidPath(p)), "path: not an id", ids, valid);
            yield return new(m, Url(_ => "é😀\u202e"), "path: unicode", ids, valid);
        }
        // Query values of the wrong kind, NUL, and very long.
        foreach (var q in parameters.Where(p => p["in"]!.GetValue<string>() == "query"))
        {
            var name = q["name"]!.GetValue<string>();
            var isInt = q["schema"]?["type"]?.ToJsonString().Contains("integer") == true;
            yield return new(m, url + $"?{name}=%00x", $"query {name}: NUL", true, valid);
            if (isInt) yield return new(m, url + $"?{name}=abc", $"query {name}: not a number", true, valid);
            if (isInt) yield return new(m, url + $"?{name}=99999999999999999999", $"query {name}: overflow", true, valid);
            yield return new(m, url + $"?{name}=" + new string('q', 5000), $"query {name}: 5,000 characters", false, valid);
            if (schemas.IsDateTime(q["schema"]))
                foreach (var (offset, format) in Offsets)
                    yield return new(m, url + $"?{name}={Uri.EscapeDataString(format(OffsetInstant))}", $"offset query {name}: {offset}", false, valid);
        }
        if (!takesBody) yield break;
        if (multipart)
        {
            yield return new(m, url, "json instead of multipart", true, "{}");
            yield return new(m, url, "multipart without a file", true, "--b\r\nContent-Disposition: form-data; name=\"channel\"\r\n\r\nemail\r\n--b--\r\n", "multipart/form-data; boundary=b");
            yield break;
        }
        yield return new(m, url, "no body", true, "");
        yield return new(m, url, "malformed JSON", true, "{\"a\":");
        yield return new(m, url, "text/plain", true, valid ?? "{}", "text/plain");
        yield return new(m, url, "charset utf-16", true, valid ?? "{}", "application/json; charset=utf-16");
        yield return new(m, url, "array instead of object", true, "[]");
        yield return new(m, url, "number instead of object", true, "42");
        yield return new(m, url, "deeply nested", true, new string('[', 200) + new string(']', 200));
        if (bodySchema is null || valid is null) yield break;
        var example = JsonNode.Parse(valid)!.AsObject();
        yield return new(m, url, "unknown property", true, With(example, "notAField", JsonValue.Create(1)));
        foreach (var (prop, propSchema) in schemas.Properties(bodySchema))
        {
            yield return new(m, url, $"{prop}: NUL", true, With(example, prop, JsonValue.Create("x\0y")));
            var typed = propSchema["type"] is not null || propSchema["anyOf"] is not null || propSchema["oneOf"] is not null;
            if (typed) yield return new(m, url, $"{prop}: wrong type", true, With(example, prop, WrongType(example[prop])));
            yield return new(m, url, $"{prop}: unicode", false, With(example, prop, JsonValue.Create("é😀\u202eñ")));
        }
        // Every date-time field of the body, at any depth, with each offset; the body's other date-times are left out, so
        // the variant is as valid as the documented request (a send with only sendAt is a scheduled send).
        var dateTimes = schemas.DateTimePaths(bodySchema, example).ToList();
        foreach (var field in dateTimes)
        foreach (var (offset, format) in Offsets)
        {
            var copy = (JsonObject)example.DeepClone();
            foreach (var other in dateTimes.Where(o => o != field)) OpenApiSchemas.SetAt(copy, other, null);
            OpenApiSchemas.SetAt(copy, field, JsonValue.Create(format(OffsetInstant)));
            yield return new(m, url, $"offset {string.Join('.', field)}: {offset}", false, copy.ToJsonString());
        }
        foreach (var required in schemas.Required(bodySchema))
        {
            var without = (JsonObject)example.DeepClone();
            without.Remove(required);
            yield return new(m, url, $"{required}: missing", true, without.ToJsonString());
        }
    }

    /// <summary>The instant of the offset variants: whole seconds an hour ahead (a scheduled send's sendAt must be ahead).</summary>
    private static readonly DateTimeOffset OffsetInstant = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());

    private static string With(JsonObject example, string prop, JsonNode? value)
    {
        var copy = (JsonObject)example.DeepClone();
        copy[prop] = value;
        return copy.ToJsonString();
    }

    /// <summary>A value no schema for this property admits: a nested object for a scalar, a number for anything else.</summary>
    private static JsonNode WrongType(JsonNode? current) => current switch
    {
        JsonValue v when v.TryGetValue<string>(out _) => new JsonArray(1, 2),
        JsonValue => JsonValue.Create("not-a-number-or-bool")!,
        JsonArray => JsonValue.Create(7)!,
        _ => JsonValue.Create(true)!,
    };
}
