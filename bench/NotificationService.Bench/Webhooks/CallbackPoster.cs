using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Webhooks;

/// <summary>What both inbound callback runs share: requests built (and signed) beforehand are posted by
/// concurrent clients from a shared index, timed first to last, and the applied status changes counted
/// from the history rows the service wrote (source `provider`), not from the answers.</summary>
public static class CallbackPoster
{
    public sealed record Posted(TimeSpan Elapsed, int Errors, double LoadAverage, long Applied);

    public static async Task<Posted> PostAllAsync(HttpClient http, NpgsqlDataSource db, int count, int clients, Func<int, HttpRequestMessage> request,
        string phase)
    {
        var appliedBefore = await AppliedAsync(db);   // a warm-up's, posted before
        var unitMeter = await Costs.UnitMeter.StartAsync(db, phase);
        var next = -1;
        var errors = 0;
        var load = double.NaN;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                if (i == count / 2) load = LoadAverage.Now();
                using var message = request(i);
                using var response = await http.SendAsync(message);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
        }));
        var elapsed = clock.Elapsed;
        var appliedCount = await AppliedAsync(db) - appliedBefore;
        await unitMeter.StopAsync(appliedCount, "status event applied");
        return new Posted(elapsed, errors, load, appliedCount);
    }

    private static async Task<long> AppliedAsync(NpgsqlDataSource db)
    {
        await using var applied = db.CreateCommand("/* bench */ select count(*) from notification_events where source = 'provider' and status = 'delivered'");
        return (long)(await applied.ExecuteScalarAsync())!;
    }
}
