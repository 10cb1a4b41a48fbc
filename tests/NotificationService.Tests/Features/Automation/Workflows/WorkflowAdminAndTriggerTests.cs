using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>The admin API (validation by JSON path, versions, the schema) and the trigger's refusals.</summary>
[Collection("service")]
public class WorkflowAdminAndTriggerTests(ServiceFixture service)
{
    [Fact]
    public async Task A_definition_with_problems_is_a_422_naming_each_json_path_and_nothing_is_saved()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "email", locale = "en", parts = new { subject = "s", text = "t" } });
        const string bad = """
            {"key":"bad","name":"Bad","steps":[
              {"id":"a","type":"send","channel":"fax","template":"note"},
              {"id":"a","type":"send","channel":"email","template":"missing"},
              {"id":"b","type":"branch","arms":[{"when":"data.x ==== 1","steps":[]}]},
              {"id":"c","type":"delay","for":"P91D"},
              {"id":"d","type":"waitFor","event":"e","timeout":"P31D"},
              {"id":"e","type":"teleport"}]}
            """;
        foreach (var url in new[] { WorkflowApi.Admin, $"{WorkflowApi.Admin}/validate" })
        {
            var response = await tenant.Http.PostAsync(url, WorkflowApi.Json(bad));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problem = await response.JsonAsync();
            Assert.Equal(["$.steps[0].channel", "$.steps[1].id", "$.steps[1].template", "$.steps[2].arms[0].when", "$.steps[3].for", "$.steps[4].timeout", "$.steps[5].type"],
                problem.ErrorKeys().Order(StringComparer.Ordinal));
            Assert.Contains("no published email template 'missing'", problem["errors"]!["$.steps[1].template"]![0]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"{WorkflowApi.Admin}/bad")).StatusCode);
        var ok = await TemplateApi.ExpectAsync(await tenant.Http.PostAsync($"{WorkflowApi.Admin}/validate",
            WorkflowApi.Json("""{"key":"ok","name":"Ok","steps":[{"id":"a","type":"send","channel":"email","template":"note"}]}""")), 200);
        Assert.True(ok["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Versions_are_appended_drafts_until_published_and_the_schema_is_served()
    {
        var tenant = await service.NewTenantAsync();
        const string v1 = """{"key":"w","name":"W1","steps":[{"id":"x","type":"exit","reason":"one"}]}""";
        var created = await TemplateApi.ExpectAsync(await tenant.Http.PostAsync(WorkflowApi.Admin, WorkflowApi.Json(v1)), 201);
        Assert.Null(created["publishedVersion"]);
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostAsync(WorkflowApi.Admin, WorkflowApi.Json(v1))).StatusCode);
        await TemplateApi.ExpectAsync(await tenant.Http.PutAsync($"{WorkflowApi.Admin}/w",
            WorkflowApi.Json("""{"key":"w","name":"W2","steps":[{"id":"x","type":"exit","reason":"two"}]}""")), 200);
        var renamed = await tenant.Http.PutAsync($"{WorkflowApi.Admin}/w", WorkflowApi.Json("""{"key":"other","name":"W","steps":[]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        var versions = (await tenant.Http.GetJsonAsync($"{WorkflowApi.Admin}/w/versions")).AsArray();
        Assert.Equal([2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.All(versions, v => Assert.False(v!["published"]!.GetValue<bool>()));
        Assert.Equal("one", (await tenant.Http.GetJsonAsync($"{WorkflowApi.Admin}/w/versions/1"))["definition"]!["steps"]![0]!.Text("reason"));

        var published = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Admin}/w/publish", new { version = 1 }), 200);
        Assert.Equal((1, 2), (published["publishedVersion"]!.GetValue<int>(), published["latestVersion"]!.GetValue<int>()));
        Assert.Equal("W1", published["definition"]!.Text("name"));
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.PostAsync($"{WorkflowApi.Admin}/nope/publish", null)).StatusCode);
        var other = await service.NewTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"{WorkflowApi.Admin}/w")).StatusCode);
        Assert.Empty((await other.Http.GetJsonAsync(WorkflowApi.Admin))["items"]!.AsArray());

        var schema = await tenant.Http.GetAsync("/api/v1/admin/schemas/workflow.json");
        Assert.Equal("application/schema+json", schema.Content.Headers.ContentType!.MediaType);
        Assert.Equal("http://json-schema.org/draft-07/schema#", (await schema.JsonAsync()).Text("$schema"));
        Assert.Contains(await service.ScalarAsync<long>("select count(*) from audit_log where tenant_id = $1 and action like 'workflow.%'", tenant.Id), new long[] { 3 });
    }

    [Fact]
    public async Task Publishing_a_version_the_workflow_does_not_have_is_a_404_naming_version_as_a_templates_publish_is()
    {
        var tenant = await service.NewTenantAsync();
        await TemplateApi.ExpectAsync(await tenant.Http.PostAsync(WorkflowApi.Admin,
            WorkflowApi.Json("""{"key":"w","name":"W","steps":[{"id":"x","type":"exit","reason":"one"}]}""")), 201);

        var problem = await TemplateApi.ExpectAsync(
            await tenant.Http.PostJsonAsync($"{WorkflowApi.Admin}/w/publish", new { version = 99 }), 404);

        Assert.Equal("Version 99 of the workflow was not found.", problem.Error("version"));
        Assert.Null((await tenant.Http.GetJsonAsync($"{WorkflowApi.Admin}/w"))["publishedVersion"]);
        // A workflow that is not there is the path's 404: nothing in the body to name.
        var missing = await TemplateApi.ExpectAsync(
            await tenant.Http.PostJsonAsync($"{WorkflowApi.Admin}/nope/publish", new { version = 1 }), 404);
        Assert.Null(missing["errors"]);
    }

    [Fact]
    public async Task A_trigger_is_refused_naming_the_problem_and_starts_nothing()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "email", locale = "en", parts = new { subject = "Order {{orderId}}", text = "t {{recipient.name}}" } });
        const string flow = """{"key":"f","name":"F","steps":[{"id":"mail","type":"send","channel":"email","template":"note"}]}""";
        await TemplateApi.ExpectAsync(await tenant.Http.PostAsync(WorkflowApi.Admin, WorkflowApi.Json(flow)), 201);

        async Task<JsonNode> RefusedAsync(string key, object body, HttpStatusCode status)
        {
            var response = await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/{key}/trigger", body);
            Assert.Equal(status, response.StatusCode);
            return await response.JsonAsync();
        }
        var unpublished = await RefusedAsync("f", new { recipients = new[] { "ada" }, data = new { orderId = "1" } }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("no published version", unpublished["errors"]!["workflow"]![0]!.GetValue<string>());
        await RefusedAsync("nope", new { recipients = new[] { "ada" } }, HttpStatusCode.NotFound);
        await tenant.Http.PostAsync($"{WorkflowApi.Admin}/f/publish", null);

        var missing = await RefusedAsync("f", new { recipients = new[] { "ada" }, data = new { } }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Step 'mail' (email template 'note') needs data the trigger does not give: orderId", missing["errors"]!["data"]![0]!.GetValue<string>());
        // Topics instead of recipients (WorkflowTopicTriggerTests): not both, and only the tenant's own topics.
        Assert.Contains("not both", (await RefusedAsync("f", new { topics = new[] { "t" }, recipients = new[] { "a" } }, HttpStatusCode.BadRequest))["errors"]!["recipients"]![0]!.GetValue<string>());
        await RefusedAsync("f", new { topics = new[] { "t" }, data = new { orderId = "1" } }, HttpStatusCode.NotFound);
        Assert.Equal(["recipients"], (await RefusedAsync("f", new { recipients = Enumerable.Range(0, 1001).Select(i => $"u{i}") }, HttpStatusCode.BadRequest)).ErrorKeys());
        Assert.Equal(["recipients[1]", "recipients[2].userId"], (await RefusedAsync("f", new { recipients = new object[] { "a", "a", new { userId = "" } }, data = new { orderId = "1" } },
            HttpStatusCode.BadRequest)).ErrorKeys().Order());
        Assert.Equal(["data"], (await RefusedAsync("f", new { recipients = new[] { "a" }, data = new { blob = new string('x', 257 * 1024) } }, HttpStatusCode.BadRequest)).ErrorKeys());
        Assert.Equal(["recipients[0].profile.timezone"], (await RefusedAsync("f", new { recipients = new object[] { new { userId = "a", profile = new { timezone = "Mars/Base" } } },
            data = new { orderId = "1" } }, HttpStatusCode.BadRequest)).ErrorKeys());
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1", tenant.Id));

        // A good one, twice with the same Idempotency-Key: one set of runs; a profile given with a recipient is merged first.
        var body = new { recipients = new object[] { "ada", new { userId = "bob", profile = new { email = "bob@example.com", name = "Bob" } } }, data = new { orderId = "7" } };
        var first = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/f/trigger", body, "key-1"), 202);
        var again = await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/f/trigger", body, "key-1");
        Assert.Equal(first.ToJsonString(), (await again.JsonAsync()).ToJsonString());
        Assert.Equal(2, first["runIds"]!.AsArray().Count);
        Assert.Equal(2L, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1", tenant.Id));
        Assert.Equal("Bob", (await tenant.Http.ProfileAsync("bob")).Text("name"));
        var bobRun = Guid.Parse(first["runIds"]![1]!.GetValue<string>());
        var mail = (await tenant.Http.WaitForRunAsync(bobRun, "completed")).Sent()["mail"].Single();
        await service.Ledger.WaitForAsync(mail, "sent");
        Assert.Contains("t Bob", await service.ScalarAsync<string>("select content::text from sandbox_messages where notification_id = $1", mail));
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_by_keyset_and_filtered()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.PublishWorkflowAsync("""{"key":"a","name":"A","steps":[{"id":"w","type":"waitFor","event":"e","timeout":"PT1H"}]}""");
        await tenant.Http.PublishWorkflowAsync("""{"key":"b","name":"B","steps":[{"id":"x","type":"exit","reason":"r"}]}""");
        var aRuns = await tenant.Http.TriggerAsync("a", new { recipients = new[] { "u1", "u2", "u3" } });
        var bRuns = await tenant.Http.TriggerAsync("b", new { recipients = new[] { "u1" } });
        foreach (var id in aRuns) await tenant.Http.WaitForWaitAsync(id, "w");
        await tenant.Http.WaitForRunAsync(bRuns[0], "completed");

        var page1 = await tenant.Http.GetJsonAsync($"{WorkflowApi.Services}/runs?workflow=a&limit=2");
        var page2 = await tenant.Http.GetJsonAsync($"{WorkflowApi.Services}/runs?workflow=a&limit=2&cursor={page1.Text("nextCursor")}");
        var listed = page1["items"]!.AsArray().Concat(page2["items"]!.AsArray()).Select(r => Guid.Parse(r!.Text("id")!)).ToList();
        Assert.Equal(aRuns.OrderDescending(), listed);
        Assert.Null(page2["nextCursor"]);
        Assert.Equal([bRuns[0]], (await tenant.Http.GetJsonAsync($"{WorkflowApi.Services}/runs?userId=u1&state=completed"))["items"]!.AsArray()
            .Select(r => Guid.Parse(r!.Text("id")!)));
        var bad = await tenant.Http.GetAsync($"{WorkflowApi.Services}/runs?state=sleeping&limit=0&cursor=x");
        Assert.Equal(["cursor", "limit", "state"], (await bad.JsonAsync()).ErrorKeys().Order());
    }

    [Fact]
    public async Task Every_workflow_endpoint_is_in_the_openapi_document_with_its_tag()
    {
        var doc = JsonNode.Parse(await service.Factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject();
        foreach (var (path, method) in new[]
        {
            ("/api/v1/admin/workflows", "post"), ("/api/v1/admin/workflows", "get"), ("/api/v1/admin/workflows/validate", "post"),
            ("/api/v1/admin/workflows/{key}", "put"), ("/api/v1/admin/workflows/{key}/versions/{version}", "get"),
            ("/api/v1/admin/workflows/{key}/publish", "post"), ("/api/v1/admin/workflows/{key}/rollback", "post"), ("/api/v1/admin/schemas/workflow.json", "get"),
            ("/api/v1/services/workflows/{key}/trigger", "post"), ("/api/v1/services/workflows/runs", "get"), ("/api/v1/services/workflows/runs/{id}", "get"),
            ("/api/v1/services/workflows/runs/{id}/cancel", "post"), ("/api/v1/services/workflows/runs/{id}/resume", "post"),
            ("/api/v1/services/workflows/runs/cancel", "post"), ("/api/v1/services/workflows/events", "post"),
            ("/api/v1/services/workflows/fan-outs/{id}", "get"), ("/api/v1/services/workflows/fan-outs/{id}/cancel", "post"),
        })
        {
            var operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is not in the document");
            Assert.Contains("workflows", operation!["tags"]![0]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }
        // A trigger answers runIds for recipients, a fan-out for topics: the 202 is one of the two.
        var answers = paths["/api/v1/services/workflows/{key}/trigger"]!["post"]!["responses"]!["202"]!["content"]!["application/json"]!["schema"]!["oneOf"]!.AsArray();
        Assert.Equal(["TriggerAccepted", "WorkflowFanOutAccepted"], answers.Select(a => a!["$ref"]!.GetValue<string>().Split('/')[^1]).Order(StringComparer.Ordinal));
        Assert.NotNull(doc["components"]!["schemas"]!["WorkflowFanOutAccepted"]!["properties"]!["statusUrl"]);
    }
}
