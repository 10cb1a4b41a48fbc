using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// A query value the framework cannot bind to its parameter's type (`?limit=abc`, `?from=abc`) is a 400 whose `errors`
/// name the parameter, on every operation that takes one, in Production as in Development (where the framework throws for
/// some parameters instead). Left to itself the framework answered a bare `{"title":"Bad Request","status":400}`.
/// </summary>
[Collection("service")]
public class ParameterBindingTests(ServiceFixture service)
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Every_number_date_time_uuid_or_enum_query_parameter_given_a_word_is_a_400_naming_it(string environment)
    {
        var (operations, schemas) = await ApiOperation.ListAsync(service);
        await using var production = environment == "Production" ? ProductionHost() : null;
        var callers = await ApiCallers.NewAsync(service, () => production?.CreateClient() ?? service.Factory.CreateClient());
        var named = new List<string>();
        var problems = new List<string>();

        foreach (var op in operations)
        foreach (var name in op.Parameters("query").Where(p => Typed(schemas, p["schema"])).Select(p => p["name"]!.GetValue<string>()))
        {
            using var response = await callers.For(op).SendAsync(new HttpRequestMessage(new HttpMethod(op.Method), $"{op.Url}?{name}=abc"));
            var text = await response.Content.ReadAsStringAsync();
            var errors = response.StatusCode == HttpStatusCode.BadRequest ? JsonNode.Parse(text)?["errors"]?[name]?.AsArray() : null;
            if (errors is not { Count: > 0 }) problems.Add($"{op.Name} ?{name}=abc → {(int)response.StatusCode} {text}");
            else named.Add($"{op.Name} ?{name}");
        }

        Assert.True(problems.Count == 0, $"{problems.Count} answers do not name their parameter:\n" + string.Join("\n", problems));
        // The operations the walkthrough found answering a bare 400 are among those walked.
        Assert.Subset(named.ToHashSet(), new HashSet<string>
        {
            "GET /api/v1/admin/templates ?limit", "GET /api/v1/services/workflows/runs ?limit", "GET /api/v1/services/topics ?limit",
            "GET /api/v1/users/me/notifications ?limit", "GET /api/v1/admin/audit ?from",
        });
    }

    [Fact]
    public async Task The_message_says_what_the_parameter_takes()
    {
        var tenant = await service.NewTenantAsync(null);
        var response = await tenant.Http.GetAsync("/api/v1/admin/templates?limit=99999999999");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("A whole number from -2147483648 to 2147483647.",
            (await response.JsonAsync())["errors"]!["limit"]![0]!.GetValue<string>());
    }

    /// <summary>A parameter bound to a type that is not text: a word is never one of its values.</summary>
    private static bool Typed(OpenApiSchemas schemas, JsonNode? schema)
    {
        if (schema is null) return false;
        var resolved = schemas.Resolve(schema);
        var type = resolved["type"]?.ToJsonString() ?? "";
        return type.Contains("integer") || type.Contains("number") || type.Contains("boolean") || resolved["enum"] is not null
            || resolved["format"]?.GetValue<string>() == "uuid" || schemas.IsDateTime(schema);
    }

    /// <summary>An API host in Production on the fixture's database, as LocalDeliverySettingsTests starts one.</summary>
    private WebApplicationFactory<Program> ProductionHost()
    {
        var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("ConnectionStrings:Postgres", service.ConnectionString);
            b.UseSetting("Mode", "api");
            b.UseSetting("Secrets:Keys:test", Convert.ToBase64String(new byte[32]));
            b.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        _ = host.Server;
        return host;
    }
}
