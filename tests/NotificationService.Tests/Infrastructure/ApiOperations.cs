using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// An operation of the OpenAPI document that a tenant's key or one of its end users may call (platform routes and the
/// endless live stream left out), with a URL whose path values have the shape the route takes.
/// </summary>
internal sealed record ApiOperation(string Method, string Path, string Url, bool EndUser, JsonNode Spec)
{
    public string Name => $"{Method} {Path}";

    public IEnumerable<JsonNode> Parameters(string where) =>
        Spec["parameters"]?.AsArray().Select(p => p!).Where(p => p["in"]!.GetValue<string>() == where) ?? [];

    public static async Task<(List<ApiOperation> Operations, OpenApiSchemas Schemas)> ListAsync(ServiceFixture service)
    {
        var doc = JsonNode.Parse(await service.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
        foreach (var (method, op) in item!.AsObject())
        {
            var security = op!["security"]?.ToJsonString() ?? "";
            if (security.Contains("platformKey") || path == "/api/v1/users/me/stream") continue;
            var url = (op["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "path")
                .Aggregate(path, (u, p) => u.Replace("{" + p!["name"]!.GetValue<string>() + "}", PathValue(p!)));
            operations.Add(new(method.ToUpperInvariant(), path, url, security.Contains("endUserToken"), op));
        }
        return (operations, new OpenApiSchemas(doc));
    }

    private static string PathValue(JsonNode p) => p["schema"]?["format"]?.GetValue<string>() == "uuid" ? Guid.NewGuid().ToString()
        : p["schema"]?["type"]?.ToJsonString().Contains("integer") == true ? "1" : "email";
}

/// <summary>A tenant's admin key and one of its end users, as clients of a host (the fixture's, or another on its database).</summary>
internal sealed record ApiCallers(HttpClient Api, HttpClient User)
{
    public HttpClient For(ApiOperation op) => op.EndUser ? User : Api;

    public static async Task<ApiCallers> NewAsync(ServiceFixture service, Func<HttpClient> client)
    {
        var tenant = await service.NewTenantAsync(null);
        // Each operation is called once or twice in a row: the admin bucket's default burst (40) is not what is tested.
        await service.RaiseLimitAsync(tenant.Id, NotificationService.Features.Tenancy.RateLimits.EndpointClass.Admin, 1000, 1000);
        HttpClient Bearer(string credential)
        {
            var c = client();
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
            return c;
        }
        return new(Bearer(tenant.ApiKey), Bearer(await tenant.TokenAsync("api-walk-user")));
    }
}
