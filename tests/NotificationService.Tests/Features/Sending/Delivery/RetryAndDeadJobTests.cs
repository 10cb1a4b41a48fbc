using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Sending.Providers;
using NotificationService.Queue;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Delivery;

/// <summary>The sandbox provider's fault injection drives the queue's retry, throttle and dead-job paths.</summary>
[Collection("service")]
public class RetryAndDeadJobTests(ServiceFixture service)
{
    [Fact]
    public async Task Transient_failures_retry_until_attempts_run_out_then_the_job_is_dead_and_can_be_retried()
    {
        var tenant = await service.NewTenantAsync("""{"transientRate": 1}""", "sms");
        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } });

        var failed = await tenant.Http.WaitForStatusAsync(id, "failed", 30_000);
        Assert.Equal(8, failed["attempts"]!.GetValue<int>());
        Assert.StartsWith("attempts exhausted", failed["lastError"]!.GetValue<string>());

        // The status commits before the queue acknowledges the job as dead: wait for the acknowledgement.
        await service.Queue.WaitForAsync(tenant.Id, r => r is JobResult.Retry, "the last attempt's acknowledgement", count: 8);
        var dead = (await tenant.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/queues/sms/dead"))!;
        var job = Assert.Single(dead);
        Assert.Contains(id.ToString(), job!["argsJson"]!.GetValue<string>());
        var queues = (await tenant.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/queues"))!;
        Assert.Equal(1, queues.Single(q => q!["queue"]!.GetValue<string>() == "sms")!["dead"]!.GetValue<long>());

        // The provider recovers; an admin retries the dead job and the message goes out.
        await using (var cmd = service.Db.CreateCommand("update providers set settings = '{}' where tenant_id = $1"))
        {
            cmd.Parameters.AddWithValue(tenant.Id);
            await cmd.ExecuteNonQueryAsync();
        }
        service.Factory.Services.GetRequiredService<ProviderDirectory>().Invalidate(tenant.Id);
        var retry = await tenant.Http.PostAsync($"/api/v1/admin/queues/sms/dead/{job["id"]}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var sent = await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Contains(sent["history"]!.AsArray(), h => h!["detail"]?.GetValue<string>() == "dead job retried by an admin");
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        var tenant = await service.NewTenantAsync("""{"permanentRate": 1}""", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email());
        var failed = await tenant.Http.WaitForStatusAsync(id, "failed");
        Assert.Equal(1, failed["attempts"]!.GetValue<int>());
        // The ledger commits `failed` before the queue acknowledges the job: wait for the acknowledgement, not the status.
        await service.Queue.WaitForAsync(tenant.Id, r => r is JobResult.Failed, "the job acknowledged as failed");
        Assert.Equal("dead", await service.ScalarAsync<string>("select state from jobs where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Throttling_postpones_without_consuming_attempts()
    {
        var tenant = await service.NewTenantAsync("""{"throttleRate": 1, "retryAfterSeconds": 0.2}""", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email());

        // Three tries, each postponed by the provider's Retry-After: every one ran as the job's first attempt.
        var throttled = await service.Queue.WaitForAsync(tenant.Id, r => r is JobResult.Throttled, "a throttled try", count: 3);
        Assert.All(throttled, t => Assert.Equal(1, t.Job.Attempt));
        var status = await tenant.Http.StatusAsync(id);
        Assert.Equal("sending", status["status"]!.GetValue<string>());
        Assert.Contains(status["history"]!.AsArray(), h => h!["detail"]?.GetValue<string>()?.StartsWith("throttled") == true);
    }

    [Fact]
    public async Task A_template_variable_missing_at_delivery_fails_permanently_naming_it()
    {
        // Data a send lacks is refused at accept (Notifications/RequiredDataTests); what only delivery can know is the
        // recipient's profile, read then: a send by userId whose profile has no name.
        var tenant = await service.NewTenantAsync();
        await using (var cmd = service.Db.CreateCommand("""
            with t as (insert into templates (id, tenant_id, key, channel, locale, published_version_id) values (gen_random_uuid(), $1, 'code', 'sms', 'en', $2) returning id)
            insert into template_versions (id, template_id, tenant_id, version, parts) select $2, id, $1, 1, '{"body": "{{recipient.name}}, your code is {{code}}"}' from t
            """))
        {
            cmd.Parameters.AddWithValue(tenant.Id);
            cmd.Parameters.AddWithValue(Guid.NewGuid());
            await cmd.ExecuteNonQueryAsync();
        }
        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { userId = "no-profile", phone = "+14155550100" }, template = "code", data = new { code = 1 } });
        var failed = await tenant.Http.WaitForStatusAsync(id, "failed");
        Assert.Equal("missing_variables: recipient.name", failed["lastError"]!.GetValue<string>());
    }
}
