using System.Diagnostics;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// The OpenAPI document describes the real API: every operation is named, summarised, secured (or explicitly public)
/// and lists its error answers; the closed vocabularies are enums; and Redocly's recommended rules find no error.
/// </summary>
[Collection("service")]
public class ApiDocsTests(ServiceFixture service)
{
    private async Task<JsonNode> DocumentAsync() =>
        JsonNode.Parse(await service.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;

    private static IEnumerable<(string Route, string Method, JsonNode Operation)> Operations(JsonNode doc) =>
        doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (p.Key, m.Key, m.Value!)));

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_security_requirement_and_an_error_answer()
    {
        var doc = await DocumentAsync();
        var operations = Operations(doc).ToList();
        Assert.True(operations.Count >= 50, $"only {operations.Count} operations");
        foreach (var (route, method, op) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {route}";
            Assert.False(string.IsNullOrWhiteSpace(op["operationId"]?.GetValue<string>()), $"{name}: no operationId");
            Assert.False(string.IsNullOrWhiteSpace(op["summary"]?.GetValue<string>()), $"{name}: no summary");
            Assert.True(op["security"] is JsonArray, $"{name}: no security requirement");
            var statuses = op["responses"]!.AsObject().Select(r => r.Key).ToList();
            Assert.Contains(statuses, s => s.StartsWith('2'));
            // The platform's routes hide from every credential but the operator's: a 404, never a 401 (which would say they exist).
            if (route.StartsWith("/api/v1/platform/")) Assert.Contains("404", statuses);
            else if (route.StartsWith("/api/v1/")) Assert.Contains("401", statuses);
        }
        Assert.Equal(operations.Count, operations.Select(o => o.Operation["operationId"]!.GetValue<string>()).Distinct().Count());
        var callbacks = operations.Where(o => o.Route.StartsWith("/webhooks/")).ToList();
        Assert.NotEmpty(callbacks);
        Assert.All(callbacks, c => Assert.Empty(c.Operation["security"]!.AsArray())); // providers sign, they hold no key
    }

    [Fact]
    public async Task A_multi_channel_send_answers_a_list_and_nullable_objects_accept_null()
    {
        var doc = await DocumentAsync();
        var accepted = doc["paths"]!["/api/v1/services/notifications/send"]!["post"]!["responses"]!["202"]!["content"]!["application/json"]!["schema"]!;
        var shapes = accepted["oneOf"]!.AsArray();
        Assert.Contains(shapes, s => s!["type"]?.GetValue<string>() == "array");

        var send = doc["components"]!["schemas"]!["SendRequest"]!["properties"]!;
        Assert.Null(send["metadata"]!["oneOf"]);
        Assert.Contains(send["metadata"]!["anyOf"]!.AsArray(), s => s!["type"]?.GetValue<string>() == "null");
        Assert.Equal(["email", "sms", "push", "whatsapp", "in_app", "chat", null], send["channel"]!["enum"]!.AsArray().Select(v => v?.GetValue<string>()));
        Assert.Equal(["high", "normal", "low", null], send["priority"]!["enum"]!.AsArray().Select(v => v?.GetValue<string>()));
        var status = doc["components"]!["schemas"]!["NotificationStatus"]!["properties"]!["status"]!["enum"]!.AsArray();
        Assert.Contains(status, v => v!.GetValue<string>() == "delivered");

        var upload = doc["paths"]!["/api/v1/services/notifications/bulk/csv"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!;
        Assert.Equal("binary", upload["properties"]!["file"]!["format"]!.GetValue<string>());
        Assert.NotNull(doc["paths"]!["/api/v1/admin/webhooks"]!["post"]!["requestBody"]);
    }

    [RedoclyFact]
    public async Task Redocly_lint_with_the_recommended_rules_reports_no_error()
    {
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, (await DocumentAsync()).ToJsonString());
        try
        {
            var psi = new ProcessStartInfo(RedoclyFactAttribute.Redocly!, $"lint \"{file}\" --format=summary --max-problems 1000")
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            var all = await output + await errors;
            Assert.True(p.ExitCode == 0, $"redocly lint exited {p.ExitCode}:\n{all}");
            Assert.Contains("valid", all); // the summary line of a clean run ("Your API description is valid")
        }
        finally { File.Delete(file); }
    }
}

/// <summary>Runs where `redocly` (npm @redocly/cli) is on PATH or REDOCLY_BIN names it; `.ci/run` installs it into .tools/.</summary>
public sealed class RedoclyFactAttribute : FactAttribute
{
    public static string? Redocly =>
        Environment.GetEnvironmentVariable("REDOCLY_BIN") is { Length: > 0 } bin && File.Exists(bin) ? bin
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append(Path.Combine(Features.Operations.Metrics.MetricsEndpointTests.RepositoryRoot(), ".tools", "node_modules", ".bin"))
            .Select(d => Path.Combine(d, "redocly")).FirstOrDefault(File.Exists);   // on PATH, or where scripts/install-test-tools.sh puts it

    public RedoclyFactAttribute()
    {
        if (Redocly is null) Skip = "OpenAPI lint skipped: redocly not found. Install: bash scripts/install-test-tools.sh redocly";
    }
}
