using System.Text.Json;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Digests;

/// <summary>
/// Before the measured minute, the closing path runs as it will then: windows of other recipients (`warm…`) fill, end
/// together, and send their digests, twice, and the service's JIT settles. Without it the first closes of the measured
/// minute ran the close, the carriers' transitions, their sends and the dispatch for the first time, and tier-0 code and
/// the tiered compiler's own thread took a share of the cores that a service running for days does not spend (about a
/// fifth of all CPU in a 20-second profile of the closing phase). The other phases warm up the same way.
/// </summary>
internal static class DigestsWarmUp
{
    public const string UserPrefix = "warm";

    public static async Task RunAsync(HttpClient http, NpgsqlDataSource db, ServiceProcess service, BenchOptions options)
    {
        var users = options.Smoke ? 4 : 200;
        await DigestsRun.PostAsync(http, "/api/v1/services/users/bulk", JsonSerializer.Serialize(new
        {
            users = Enumerable.Range(0, users).Select(i => new { userId = $"{UserPrefix}{i}", email = $"{UserPrefix}{i}@example.com" }),
        }));
        for (var round = 1; round <= Waits.Rounds(2); round++)
        {
            var sent = await DigestsRun.ScalarAsync(db, "select count(*) from sandbox_messages");
            foreach (var actor in new[] { "a1", "a2" })
                await DigestsRun.PostAsync(http, "/api/v1/services/workflows/bench-comments/trigger", JsonSerializer.Serialize(new
                {
                    recipients = Enumerable.Range(0, users).Select(i => $"{UserPrefix}{i}"),
                    data = new { threadId = $"warm-up-{round}", text = "warming up" },
                    actor = new { id = actor },
                }));
            await using (var due = db.CreateCommand("update jobs set run_at = now() where kind = 'digest-close' and state = 'ready'"))
                await due.ExecuteNonQueryAsync();
            await DigestsRun.WaitAsync(db, "select count(*) from sandbox_messages", n => n >= sent + users, $"digest warm-up {round}: digests sent");
            // The runs they carried would end two minutes later (Digests:DigestedRunsDelaySeconds), inside the measured minute:
            // made due now, as the closes were, and waited for.
            await using (var due = db.CreateCommand("update jobs set run_at = now() where kind = 'digest-digested' and state = 'ready'"))
                await due.ExecuteNonQueryAsync();
            await DigestsRun.WaitAsync(db, "select count(*) from workflow_runs where state = 'waiting'", n => n == 0, $"digest warm-up {round}: runs ending");
        }
        Progress.Show("after the digest warm-up: waiting for the service's JIT to settle");
        await service.WaitJitSettledAsync(options.JitSettleTimeout);
    }
}
