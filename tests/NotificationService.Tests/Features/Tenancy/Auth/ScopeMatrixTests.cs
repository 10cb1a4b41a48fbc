using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Auth;

/// <summary>
/// The scope table against the API the service really serves: every operation of the OpenAPI document has a row, and
/// each operation answers 403 to a key of every scope its row does not admit, and something else to one it does.
/// </summary>
[Collection("service")]
public class ScopeMatrixTests(ServiceFixture service)
{
    private async Task<List<(string Key, JsonNode Operation)>> OperationsAsync()
    {
        var doc = JsonNode.Parse(await service.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        return doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => (ScopeTable.KeyOf(m.Key, p.Key), m.Value!)))
            .ToList();
    }

    [Fact]
    public async Task Every_operation_of_the_API_document_has_a_row_of_the_scope_table_with_the_credential_the_document_names()
    {
        var operations = await OperationsAsync();
        var missing = operations.Select(o => o.Key).Where(k => !ScopeTable.Operations.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "operations with no row in ScopeTable.Operations:\n" + string.Join("\n", missing));
        var stale = ScopeTable.Operations.Keys.Except(operations.Select(o => o.Key)).ToList();
        Assert.True(stale.Count == 0, "rows of ScopeTable.Operations for no operation:\n" + string.Join("\n", stale));

        var disagreeing = operations.Where(o => SchemeOf(o.Operation) != ScopeTable.Operations[o.Key].Credential)
            .Select(o => $"{o.Key}: the document says {SchemeOf(o.Operation)}, the table {ScopeTable.Operations[o.Key]}").ToList();
        Assert.True(disagreeing.Count == 0, string.Join("\n", disagreeing));
        // A reader of the document sees the rule: each key operation's 403 names the scopes of its row.
        var unnamed = operations.Where(o => ScopeTable.Operations[o.Key].Credential == Credential.ApiKey
                && o.Operation["responses"]?["403"]?["description"]?.GetValue<string>().EndsWith($": {ScopeTable.Operations[o.Key]}.") != true)
            .Select(o => o.Key).ToList();
        Assert.True(unnamed.Count == 0, "403 answers not naming the table's scopes:\n" + string.Join("\n", unnamed));
        Assert.All(ScopeTable.Operations.Values.SelectMany(a => a.AnyOf).SelectMany(set => set), s => Assert.Contains(s, Scopes.All));
    }

    [Fact]
    public void Every_writing_field_names_a_known_scope_and_operations_of_the_table()
    {
        Assert.Contains(ScopeTable.Fields, f => f.Field == "recipient.profile" && f.Scope == Scopes.UsersWrite);
        Assert.Contains(ScopeTable.Fields, f => f.Field == "recipients[].profile" && f.Scope == Scopes.UsersWrite);
        Assert.All(ScopeTable.Fields, f =>
        {
            Assert.Contains(f.Scope, Scopes.All);
            Assert.All(f.Operations, o => Assert.True(ScopeTable.Operations.ContainsKey(o), $"{f.Field}: {o} is no operation of the table"));
        });
    }

    [Fact]
    public async Task Each_operation_refuses_a_key_of_every_scope_its_row_does_not_admit_and_lets_the_others_through()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        foreach (var c in EndpointClasses.All) await service.RaiseLimitAsync(tenant.Id, c, 100_000, 100_000); // a 429 would hide a 403
        var keys = new List<(string[] Scopes, HttpClient Http)>();
        await using (var scope = service.Factory.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<TenantStore>();
            foreach (var s in Scopes.All)
                keys.Add(([s], service.Client((await store.CreateServiceAccountAsync(tenant.Id, "only-" + s, [s], default)).Item2)));
        }

        var wrong = new List<string>();
        foreach (var (key, operation) in await OperationsAsync())
        {
            var access = ScopeTable.Operations[key];
            if (access.Credential != Credential.ApiKey) continue;
            foreach (var (scopes, http) in keys)
            {
                var status = (int)(await http.SendAsync(RequestFor(key, operation))).StatusCode;
                var admitted = access.Admits(scopes);
                if (admitted ? status is 401 or 403 : status != 403)
                    wrong.Add($"{key} with a [{string.Join(", ", scopes)}] key: {status}, but the table says {access}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void A_route_with_no_row_or_with_its_own_authorization_beside_the_table_fails_when_the_endpoints_are_built()
    {
        Assert.Contains("has no row in ScopeTable", Assert.Throws<InvalidOperationException>(() =>
            EndpointsOf(app => app.MapGroup("/api/v1/services/unlisted").RequireScopes().MapGet("/", () => "x"))).Message);
        Assert.Contains("declares its own authorization", Assert.Throws<InvalidOperationException>(() =>
            EndpointsOf(app => app.MapGroup("/api/v1/services/topics").RequireScopes().MapGet("/", () => "x").RequireAuthorization(Scopes.Send))).Message);
        var listed = Assert.Single(EndpointsOf(app => app.MapGroup("/api/v1/services/workflows").RequireScopes().MapPost("/runs/cancel", () => "x")));
        Assert.Equal("notifications:read and notifications:send", listed.Metadata.GetMetadata<IAuthorizeData>()!.Policy);
    }

    /// <summary>The endpoints a bare host builds from <paramref name="map"/> (building them is when the convention runs).</summary>
    private static List<Endpoint> EndpointsOf(Action<WebApplication> map)
    {
        using var app = WebApplication.CreateBuilder().Build();
        map(app);
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).ToList();
    }

    private static Credential SchemeOf(JsonNode operation) =>
        operation["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).FirstOrDefault() switch
        {
            null => Credential.None,
            "endUserToken" => Credential.EndUserToken,
            "platformKey" => Credential.Platform,
            _ => Credential.ApiKey,
        };

    /// <summary>The operation called with made-up path values of the right type and an empty JSON object as its body.</summary>
    internal static HttpRequestMessage RequestFor(string key, JsonNode operation)
    {
        var (method, path) = (key[..key.IndexOf(' ')], key[(key.IndexOf(' ') + 1)..]);
        foreach (var p in operation["parameters"]?.AsArray() ?? [])
        {
            if (p!["in"]!.GetValue<string>() != "path") continue;
            var schema = p["schema"]!;
            var value = schema["format"]?.GetValue<string>() == "uuid" ? Guid.NewGuid().ToString()
                : schema["type"]?.ToJsonString().Contains("integer") == true ? "1" : "scope-walk";
            path = path.Replace($"{{{p["name"]!.GetValue<string>()}}}", value);
        }
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        // In the media type the operation declares: routing answers 415 to another before authorization is asked.
        var mediaType = operation["requestBody"]?["content"]?.AsObject().Select(c => c.Key).FirstOrDefault(t => t.Contains("json")) ?? "application/json";
        if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, mediaType);
        return request;
    }
}
