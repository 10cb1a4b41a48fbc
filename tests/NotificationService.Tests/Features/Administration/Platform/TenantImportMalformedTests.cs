using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>
/// A malformed import is the sender's mistake: a 4xx problem, never a 5xx. Every field of a real export document (each
/// property of each object, each element of each array) is removed, and set to null, one at a time; each document is
/// imported into a fresh tenant. A field the document's shape requires is a 400 naming it; a workflow, layout reference
/// or webhook endpoint that cannot be imported is refused before anything is written too. Every refusal leaves the
/// tenant as it was, except one the template feature makes of a version's own parts as it saves it (what was imported
/// before it stays: docs/decisions/tenant-configuration-import.md). A 2xx means the field was optional.
/// </summary>
[Collection("platform")]
public class TenantImportMalformedTests(PlatformFixture service)
{
    private static readonly string[] ConfigurationTables =
        ["notification_categories", "template_fragments", "templates", "workflows", "topics", "providers", "webhook_endpoints"];

    private async Task<JsonObject> ExportOfATenantWithOneOfEverythingAsync()
    {
        var source = await service.NewTenantAsync(sandboxSettingsJson: null);
        await TemplateApi.ExpectAsync(await source.Http.PutJsonAsync($"{TemplateApi.Root}/layouts/frame", new { source = "<main>{{{body}}}</main>" }), 201);
        await TemplateApi.ExpectAsync(await source.Http.PutJsonAsync($"{TemplateApi.Root}/partials/line", new { source = "{{sku}}" }), 201);
        var receipt = await source.Http.CreateTemplateAsync(new { key = "receipt", channel = "email", locale = "en", layout = "frame",
            parts = new { subject = "Receipt {{name}}", html = "<ul>{{#each items}}<li>{{> line}}</li>{{/each}}</ul>" } });
        await TemplateApi.ExpectAsync(await source.Http.PutJsonAsync($"{TemplateApi.Root}/{receipt.Id()}", new { parts = new { subject = "Hi", text = "t" } }), 200);
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync($"{TemplateApi.Root}/{receipt.Id()}/publish", new { version = 1 }), 200);
        await source.Http.PublishWorkflowAsync("""{"key":"thanks","name":"Thanks","steps":[{"id":"a","type":"send","channel":"email","template":"receipt"}]}""");
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync("/api/v1/admin/categories",
            new { key = "orders", name = "Orders", channels = new Dictionary<string, bool> { ["email"] = true } }), 201);
        await source.Http.TopicWithAsync("customers", "member-1");
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync("/api/v1/admin/providers", new { channel = "sms", kind = "sandbox", name = "Sandbox SMS" }), 201);
        await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "notification.sent" } }), 201);
        return JsonNode.Parse(await service.Platform().GetStringAsync($"/api/v1/platform/tenants/{source.Id}/export"))!.AsObject();
    }

    /// <summary>Every place of the document as a path: `$.templates[0].versions`.</summary>
    private static IEnumerable<string> Paths(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    yield return $"{path}.{name}";
                    if (child is not null) foreach (var p in Paths(child, $"{path}.{name}")) yield return p;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    yield return $"{path}[{i}]";
                    if (a[i] is { } child) foreach (var p in Paths(child, $"{path}[{i}]")) yield return p;
                }
                break;
        }
    }

    private static JsonObject Mutated(JsonObject export, string path, bool remove)
    {
        var copy = export.DeepClone().AsObject();
        var at = path.LastIndexOfAny(['.', '[']);
        var parent = Find(copy, path[..at]);
        if (path[at] == '.')
        {
            var obj = parent!.AsObject();
            if (remove) obj.Remove(path[(at + 1)..]);
            else obj[path[(at + 1)..]] = null;
        }
        else
        {
            var array = parent!.AsArray();
            var index = int.Parse(path[(at + 1)..^1]);
            if (remove) array.RemoveAt(index);
            else array[index] = null;
        }
        return copy;
    }

    private static JsonNode Find(JsonNode root, string path)
    {
        var node = root;
        foreach (System.Text.RegularExpressions.Match step in System.Text.RegularExpressions.Regex.Matches(path[1..], @"\.([^.\[]+)|\[(\d+)\]"))
            node = step.Groups[1].Success ? node[step.Groups[1].Value]! : node[int.Parse(step.Groups[2].Value)]!;
        return node;
    }

    private async Task<string?> ViolationAsync(JsonObject document, string path, string what)
    {
        var fresh = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants", new { name = "Import target" })).JsonAsync();
        var id = Guid.Parse(fresh["id"]!.GetValue<string>());
        var answer = await service.Platform().PostAsync($"/api/v1/platform/tenants/{id}/import",
            new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await answer.Content.ReadAsStringAsync();
        var status = (int)answer.StatusCode;
        if (status >= 500) return $"{what}: {status} {body}";
        if (status < 400) return null;
        if (answer.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{what}: {status} without a problem: {body}";
        var errors = JsonNode.Parse(body)!["errors"] as JsonObject;
        if (errors?.ContainsKey(path[2..]) != true && errors?.Any(e => e.Value!.ToJsonString().Contains("an export always has it")) == true)
            return $"{what}: a shape error naming other fields: {body}";
        // The one refusal still made on write: a template version's own content, which only compiling it with the
        // document's partials and layout can judge (the template feature's validation, run as each version is saved).
        if (errors is { Count: > 0 } && errors.All(e => e.Key.StartsWith("parts", StringComparison.Ordinal))) return null;
        var written = new List<string>();
        foreach (var table in ConfigurationTables)
            if (await service.ScalarAsync<long>($"select count(*) from {table} where tenant_id = $1", id) > 0) written.Add(table);
        return written.Count > 0 ? $"{what}: {status} but {string.Join(", ", written)} written: {body}" : null;
    }

    [Fact]
    public async Task Every_field_of_an_export_removed_or_nulled_is_a_4xx_problem_or_accepted_never_a_5xx_and_a_refusal_writes_nothing()
    {
        var export = await ExportOfATenantWithOneOfEverythingAsync();
        var violations = new List<string>();
        var tried = 0;
        foreach (var path in Paths(export, "$").ToList())
            foreach (var remove in new[] { true, false })
            {
                tried++;
                if (await ViolationAsync(Mutated(export, path, remove), path, $"{path} {(remove ? "removed" : "null")}") is { } violation) violations.Add(violation);
            }
        Assert.True(tried > 100, $"only {tried} documents tried");
        Assert.True(violations.Count == 0, $"{violations.Count} of {tried} documents:\n{string.Join("\n", violations)}");
    }

    [Theory]
    [InlineData("categories", """[{"key":"orders","name":"Orders"}]""", "categories[0].channels")]
    [InlineData("templates", """[{"key":"t","channel":"sms","locale":"en"}]""", "templates[0].versions")]
    [InlineData("templates", """[{"key":"t","channel":"sms","locale":"en","versions":[{"version":1}]}]""", "templates[0].versions[0].parts")]
    [InlineData("workflows", """[{"key":"w"}]""", "workflows[0].name")]
    [InlineData("topics", """[{}]""", "topics[0].key")]
    public async Task The_probes_malformed_documents_are_a_400_naming_the_field(string section, string json, string field)
    {
        var document = await ExportOfATenantWithOneOfEverythingAsync();
        foreach (var name in new[] { "templates", "layouts", "partials", "workflows", "categories", "topics", "providers", "webhooks" }) document[name] = new JsonArray();
        document[section] = JsonNode.Parse(json);
        var fresh = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants", new { name = "Import target" })).JsonAsync();
        var answer = await service.Platform().PostAsync($"/api/v1/platform/tenants/{fresh["id"]}/import",
            new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        Assert.True((await answer.JsonAsync())["errors"]!.AsObject().ContainsKey(field), await answer.Content.ReadAsStringAsync());
    }
}
