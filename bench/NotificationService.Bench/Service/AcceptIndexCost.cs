namespace NotificationService.Bench.Service;

/// <summary>Accept rounds on two fresh databases, one with migration 480's indexes and one without, in alternating order.</summary>
/// <summary>One accept round: its rate, and CPU per accepted send of the service and of PostgreSQL (µs), which a loaded
/// machine moves far less than the rate.</summary>
public sealed record AcceptRound(string Side, LoadResult Result, double Load, double ServiceMicros, double PostgresMicros);

public sealed record AcceptIndexCost(IReadOnlyList<AcceptRound> Rounds)
{
    public double MedianPostgresMicros(string side) => RetentionBenchResult.Median(Rounds.Where(r => r.Side == side).Select(r => r.PostgresMicros).ToList());
    public double MedianServiceMicros(string side) => RetentionBenchResult.Median(Rounds.Where(r => r.Side == side).Select(r => r.ServiceMicros).ToList());

    public double MedianWith => Median("with");
    public double MedianWithout => Median("without");
    public double Ratio => MedianWith / MedianWithout;

    private double Median(string side) => RetentionBenchResult.Median(Rounds.Where(r => r.Side == side).Select(r => r.Result.AcceptedPerSec).ToList());

    /// <summary>
    /// Two Mode=api services (no delivery meanwhile, so the rounds measure the insert path alone), each on its own
    /// database; the second drops the indexes after its migrations ran. Rounds go with, without, without, with, … so
    /// neither side always runs first on a machine whose other load drifts.
    /// </summary>
    public static async Task<AcceptIndexCost> MeasureAsync(string dll, Func<string, Task<string>> createDatabase, string dropAll,
        TimeSpan round, int pairs)
    {
        var withCs = await createDatabase("console_accept_with");
        var withoutCs = await createDatabase("console_accept_without");
        await using var with = await ServiceProcess.StartAsync(dll, withCs, "api");
        await using var without = await ServiceProcess.StartAsync(dll, withoutCs, "api");
        await using (var db = Npgsql.NpgsqlDataSource.Create(withoutCs))
            await ConsoleRun.ExecAsync(db, dropAll);

        await using var withDb = Npgsql.NpgsqlDataSource.Create(withCs);
        await using var withoutDb = Npgsql.NpgsqlDataSource.Create(withoutCs);
        var meters = new Dictionary<string, CpuMeter> { ["with"] = await CpuMeter.ForAsync(with.Pid, withDb), ["without"] = await CpuMeter.ForAsync(without.Pid, withDb) };
        var rounds = new List<AcceptRound>();
        for (var i = 0; i < pairs; i++)
        {
            var order = i % 2 == 0 ? new[] { ("with", with), ("without", without) } : new[] { ("without", without), ("with", with) };
            foreach (var (side, service) in order)
            {
                // Both databases are in the one cluster: PostgreSQL's CPU in a round is (nearly all) that round's service's.
                var before = meters[side].Sample();
                var r = await AcceptLoad.ClosedLoopAsync(service.BaseAddress, BenchOptions.AcceptClients, round, $"console: accept {side} the indexes, pair {i + 1}/{pairs}",
                    cost: (side == "with" ? withDb : withoutDb, $"console: accept {side} migration 480's indexes (Mode=api)"));
                var after = meters[side].Sample();
                var n = Math.Max(1, r.Accepted);
                rounds.Add(new AcceptRound(side, r, LoadAverage.Now(), (after.Worker - before.Worker).TotalMicroseconds / n, (after.Postgres - before.Postgres).TotalMicroseconds / n));
            }
        }
        return new AcceptIndexCost(rounds);
    }
}
