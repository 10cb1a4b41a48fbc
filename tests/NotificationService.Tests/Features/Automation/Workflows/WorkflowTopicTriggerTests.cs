using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NotificationService.Features.Sending.Topics;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Queue;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>
/// A trigger naming topics is a fan-out of runs: 202 at once with its id and status URL, then one run per member of the
/// topics (each once however many of them it is in, the excluded left out), pinned to the version published at trigger
/// time, with the trigger's data, actor and cancellation key; a chunk committed twice starts no second run.
/// </summary>
[Collection("service")]
public class WorkflowTopicTriggerTests(ServiceFixture service)
{
    private const string Notice = """{"key":"notice","name":"Notice","steps":[{"id":"mail","type":"send","channel":"email","template":"notice"}]}""";

    private static string FanOutUrl(Guid id) => $"{WorkflowApi.Services}/fan-outs/{id}";

    private static Task<JsonNode> WaitForFanOutAsync(HttpClient http, Guid id, string status) =>
        Eventually.Async(() => http.GetJsonAsync(FanOutUrl(id)), f => f.Text("status") == status, $"workflow fan-out {id} to be {status}");

    private async Task<TestTenant> TenantWithNoticeAsync()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "notice", channel = "email", locale = "en", parts = new { subject = "Water off {{when}}", text = "t" } });
        await tenant.Http.PublishWorkflowAsync(Notice);
        return tenant;
    }

    private async Task<Dictionary<string, long>> RunsPerUserAsync(Guid tenantId)
    {
        await using var cmd = service.Db.CreateCommand("select user_id, count(*) from workflow_runs where tenant_id = $1 group by user_id");
        cmd.Parameters.AddWithValue(tenantId);
        var counts = new Dictionary<string, long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) counts[r.GetString(0)] = r.GetInt64(1);
        return counts;
    }

    [Fact]
    public async Task Two_overlapping_topics_start_one_run_per_member_and_none_for_the_excluded()
    {
        var tenant = await TenantWithNoticeAsync();
        await tenant.Http.TopicWithAsync("building-12", "ann", "ben", "cat");
        await tenant.Http.TopicWithAsync("building-13", "ben", "cat", "dan");
        var body = new
        {
            topics = new[] { "building-12", "building-13" }, excludeUserIds = new[] { "dan" }, data = new { when = "tomorrow" },
            actor = new { name = "Caretaker" }, cancellationKey = "water-1",
        };

        var response = await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/notice/trigger", body, "water-1");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.JsonAsync();
        var id = Guid.Parse(accepted.Text("id")!);
        Assert.Equal(("pending", "notice", 1, FanOutUrl(id)), (accepted.Text("status"), accepted.Text("workflow"), accepted["version"]!.GetValue<int>(), accepted.Text("statusUrl")));
        Assert.Equal(["building-12", "building-13"], accepted["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Null(accepted["runIds"]);
        var again = await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/notice/trigger", body, "water-1");
        Assert.Equal(accepted.ToJsonString(), (await again.JsonAsync()).ToJsonString());

        var done = await WaitForFanOutAsync(tenant.Http, id, "completed");
        Assert.Equal((3L, 3L, 3L, 100.0), (done["membersTotal"]!.GetValue<long>(), done["membersDone"]!.GetValue<long>(), done["runsStarted"]!.GetValue<long>(),
            done["percent"]!.GetValue<double>()));
        Assert.Equal(new Dictionary<string, long> { ["ann"] = 1, ["ben"] = 1, ["cat"] = 1 }, await RunsPerUserAsync(tenant.Id));
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from fan_outs where tenant_id = $1", tenant.Id));

        var listed = (await tenant.Http.GetJsonAsync($"{WorkflowApi.Services}/runs?workflow=notice"))["items"]!.AsArray();
        Assert.Equal(["ann", "ben", "cat"], listed.Select(r => r!.Text("userId")!).Order(StringComparer.Ordinal));
        var run = await tenant.Http.WaitForRunAsync(Guid.Parse(listed[0]!.Text("id")!), "completed");
        Assert.Equal(("water-1", "tomorrow", "Caretaker"), (run.Text("cancellationKey"), run["data"]!.Text("when"), run["actor"]!.Text("name")));
        Assert.Equal(3L, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1 and cancellation_key = 'water-1'", tenant.Id));

        // Another tenant's fan-out, and this one under a send's fan-out URL, are not found.
        var other = await service.NewTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync(FanOutUrl(id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PostAsync($"{FanOutUrl(id)}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Http.GetAsync(TopicsApi.FanOut(id))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostAsync($"{FanOutUrl(id)}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Runs_are_pinned_to_the_version_published_when_the_trigger_was_accepted()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.PublishWorkflowAsync("""{"key":"pin","name":"Pin","steps":[{"id":"x","type":"exit","reason":"one"}]}""");
        await tenant.Http.TopicWithAsync("floor-1", "ann", "ben");

        // The fan-out cannot copy its members while this lock is held, so version 2 is published before its runs are made:
        // they must still get version 1, the version the trigger was accepted for, not the one published when they start.
        Guid id;
        await using (var conn = await service.Db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await using (var lockChunks = new NpgsqlCommand("lock table fan_out_chunks in exclusive mode", conn, tx)) await lockChunks.ExecuteNonQueryAsync();
            var accepted = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/pin/trigger", new { topics = new[] { "floor-1" } }), 202);
            id = Guid.Parse(accepted.Text("id")!);
            await TemplateApi.ExpectAsync(await tenant.Http.PutAsync($"{WorkflowApi.Admin}/pin",
                WorkflowApi.Json("""{"key":"pin","name":"Pin","steps":[{"id":"x","type":"exit","reason":"two"}]}""")), 200);
            Assert.Equal(2, (await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Admin}/pin/publish", new { version = 2 }), 200))["publishedVersion"]!.GetValue<int>());
            Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1", tenant.Id));
            await tx.CommitAsync();
        }

        await WaitForFanOutAsync(tenant.Http, id, "completed");
        var runs = (await tenant.Http.GetJsonAsync($"{WorkflowApi.Services}/runs?workflow=pin"))["items"]!.AsArray();
        Assert.Equal([1, 1], runs.Select(r => r!["version"]!.GetValue<int>()));
        foreach (var r in runs)
            Assert.Equal("one", (await tenant.Http.WaitForRunAsync(Guid.Parse(r!.Text("id")!), "completed")).Text("reason"));
    }

    [Fact]
    public async Task A_bad_topic_trigger_is_a_4xx_naming_the_field_and_writes_nothing()
    {
        var tenant = await TenantWithNoticeAsync();
        await tenant.Http.TopicWithAsync("building-12", "ann");
        var other = await service.NewTenantAsync();
        await other.Http.TopicWithAsync("theirs", "zed");

        async Task<JsonNode> RefusedAsync(object body, HttpStatusCode status, string key = "notice")
        {
            var response = await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/{key}/trigger", body);
            Assert.Equal(status, response.StatusCode);
            return await response.JsonAsync();
        }
        var data = new { when = "now" };
        Assert.Equal(["recipients"], (await RefusedAsync(new { topics = new[] { "building-12" }, recipients = new[] { "ann" }, data }, HttpStatusCode.BadRequest)).ErrorKeys());
        Assert.Equal(["topics"], (await RefusedAsync(new { topics = Enumerable.Range(0, 21).Select(i => $"t{i}"), data }, HttpStatusCode.BadRequest)).ErrorKeys());
        Assert.Equal(["topics"], (await RefusedAsync(new { excludeUserIds = new[] { "ann" }, data }, HttpStatusCode.BadRequest)).ErrorKeys());
        Assert.Equal(["topics[0]"], (await RefusedAsync(new { topics = new[] { "no spaces" }, data }, HttpStatusCode.BadRequest)).ErrorKeys());
        Assert.Equal(["excludeUserIds"], (await RefusedAsync(new { topics = new[] { "building-12" }, excludeUserIds = Enumerable.Range(0, 10_001).Select(i => $"u{i}"), data },
            HttpStatusCode.BadRequest)).ErrorKeys());
        Assert.Contains("building-99", (await RefusedAsync(new { topics = new[] { "building-12", "building-99" }, data }, HttpStatusCode.NotFound)).Text("detail"));
        await RefusedAsync(new { topics = new[] { "theirs" }, data }, HttpStatusCode.NotFound);
        var missing = await RefusedAsync(new { topics = new[] { "building-12" }, data = new { } }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("needs data the trigger does not give: when", missing["errors"]!["data"]![0]!.GetValue<string>());
        await RefusedAsync(new { topics = new[] { "building-12" }, data }, HttpStatusCode.NotFound, key: "nope");

        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from fan_outs where tenant_id = $1", tenant.Id));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1", tenant.Id));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and kind = 'workflow_fan_out'", tenant.Id));
    }

    [Fact]
    public async Task A_chunk_committed_again_starts_no_second_run()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.PublishWorkflowAsync("""{"key":"once","name":"Once","steps":[{"id":"x","type":"exit","reason":"done"}]}""");
        await tenant.Http.TopicWithAsync("floor-2", "ann", "ben", "cat");
        var accepted = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/once/trigger", new { topics = new[] { "floor-2" } }), 202);
        var id = Guid.Parse(accepted.Text("id")!);
        await WaitForFanOutAsync(tenant.Http, id, "completed");
        Assert.Equal(new Dictionary<string, long> { ["ann"] = 1, ["ben"] = 1, ["cat"] = 1 }, await RunsPerUserAsync(tenant.Id));

        // Replay chunk 0 as a second runner would, had its row survived the first commit: the fan-out running, the row back.
        var handler = service.Factory.Services.GetServices<IJobHandler>().OfType<WorkflowFanOutHandler>().Single();
        var definition = (await service.ScalarAsync<string>("select definition::text from fan_outs where tenant_id = $1 and id = $2", tenant.Id, id))!;
        var run = (await handler.OpenAsync(new FanOutRun(tenant.Id, id, ["floor-2"], definition, 3), default))!;
        var chunk = new FanOutChunk(0, ["ann", "ben", "cat"], null);
        Assert.Equal(WorkflowFanOutHandler.Commit.TakenAlready, await handler.CommitAsync(run, chunk, default));
        await service.ScalarAsync<int>("""
            with back as (insert into fan_out_chunks (tenant_id, fan_out_id, chunk_no, user_ids) values ($1, $2, 0, '{ann,ben,cat}') returning 1)
            update fan_outs set status = 'running' where tenant_id = $1 and id = $2 returning (select count(*) from back)::int
            """, tenant.Id, id);
        Assert.Equal(WorkflowFanOutHandler.Commit.Done, await handler.CommitAsync(run, chunk, default));
        Assert.Equal(new Dictionary<string, long> { ["ann"] = 1, ["ben"] = 1, ["cat"] = 1 }, await RunsPerUserAsync(tenant.Id));
        Assert.Equal(3L, await service.ScalarAsync<long>("select runs_started from fan_outs where tenant_id = $1 and id = $2", tenant.Id, id));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from fan_out_chunks where tenant_id = $1 and fan_out_id = $2", tenant.Id, id));

        // The database refuses a second run for (fan-out, member) outright, whoever writes it.
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => service.ScalarAsync<int>("""
            insert into workflow_runs (tenant_id, id, workflow_id, workflow_key, version, user_id, state, machine, fan_out_id)
            select tenant_id, gen_random_uuid(), workflow_id, workflow_key, version, user_id, state, machine, fan_out_id
            from workflow_runs where tenant_id = $1 and fan_out_id = $2 and user_id = 'ann' returning 1
            """, tenant.Id, id));
        Assert.Equal(("23505", "workflow_runs_fan_out_once"), (duplicate.SqlState, duplicate.ConstraintName));
    }
}
