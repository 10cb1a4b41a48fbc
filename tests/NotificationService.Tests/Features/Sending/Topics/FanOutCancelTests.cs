using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Queue;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Topics;

/// <summary>
/// Cancelling a fan-out mid-way: what was not yet created is not created. The spec holds the last chunk's row locked (as
/// a slow commit of that chunk would), so the runner has committed every other chunk and waits on that one when the
/// cancel lands; released, the chunk's transaction sees the cancel and rolls back. No timing decides the outcome.
/// </summary>
[Collection("service")]
public class FanOutCancelTests(ServiceFixture service)
{
    [Fact]
    public async Task A_cancel_mid_way_stops_the_fan_out_and_the_chunks_not_committed_create_nothing()
    {
        var tenant = await service.NewTenantAsync(null);
        var members = Enumerable.Range(0, 2_000).Select(i => $"resident-{i:D4}").ToArray();   // 40 chunks of 50 (the fixture's size)
        await tenant.Http.TopicWithAsync("tower", members);
        var id = await tenant.Http.SendToTopicsAsync(new { channel = "in_app", recipient = new { topics = new[] { "tower" } }, content = new { body = "Lift out of order" } });

        await using var holder = await service.Db.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        var last = await Eventually.Async(() => LockLastChunkAsync(holder, hold, tenant.Id, id), n => n is not null, "the snapshot's last chunk to be locked",
            TimeSpan.FromSeconds(60));
        Assert.Equal(39, last);
        await tenant.Http.WaitForFanOutAsync(id, "running");
        await Eventually.Async(async () => (await tenant.Http.GetFromJsonAsync<JsonNode>(TopicsApi.FanOut(id)))!["membersDone"]!.GetValue<long>(),
            done => done == 1_950, "every chunk but the held one to commit", TimeSpan.FromSeconds(120));

        var cancel = await tenant.Http.PostAsync($"{TopicsApi.FanOut(id)}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.JsonAsync()).Text("status"));
        await hold.RollbackAsync();   // the held chunk's transaction goes on, sees the cancel and rolls back

        await service.Queue.Acknowledged.WaitForAsync(a => a.Job.TenantId == tenant.Id && a.Job.Kind == "fan_out" && a.Result is JobResult.Completed,
            "the fan-out job to end", timeout: TimeSpan.FromSeconds(60));
        var status = (await tenant.Http.GetFromJsonAsync<JsonNode>(TopicsApi.FanOut(id)))!;
        Assert.Equal(("cancelled", 1_950L, 1_950L), (status.Text("status"), status["membersDone"]!.GetValue<long>(), status["notificationsCreated"]!.GetValue<long>()));
        Assert.Equal(1_950, (await service.FanOutNotificationsAsync(id)).Count);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from fan_out_chunks where tenant_id = $1", tenant.Id));
        Assert.DoesNotContain(await service.FanOutNotificationsAsync(id), r => string.CompareOrdinal(r.UserId, "resident-1950") >= 0);   // the held chunk's members
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostAsync($"{TopicsApi.FanOut(id)}/cancel", null)).StatusCode);
    }

    /// <summary>Locks the highest chunk of the fan-out's snapshot in the spec's own transaction; null while there is none yet.</summary>
    private static async Task<int?> LockLastChunkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid fanOutId)
    {
        await using var cmd = new NpgsqlCommand("""
            select chunk_no from fan_out_chunks where tenant_id = $1 and fan_out_id = $2 order by chunk_no desc limit 1 for update
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(fanOutId);
        return await cmd.ExecuteScalarAsync() is int n ? n : null;
    }
}
