using System.Diagnostics;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Costs;

/// <summary>
/// What one phase cost the machine: wall time, service processes started, and CPU seconds of the service processes, of
/// PostgreSQL and of the bench itself. Logged once per phase so that a run (the smoke above all, which the suite waits for)
/// shows where its time goes in work, which a busy host does not distort the way it distorts wall time.
/// </summary>
public sealed class PhaseCost
{
    private readonly CpuMeter _meter;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _startsBefore = ServiceProcess.Started;
    private readonly TimeSpan _startingBefore = ServiceProcess.StartingTime, _stoppingBefore = ServiceProcess.StoppingTime,
        _startingCpuBefore = ServiceProcess.StartingCpu;
    private readonly TimeSpan _serviceBefore = ChildCpu.Total();
    private readonly CpuSample _before;

    private PhaseCost(CpuMeter meter)
    {
        _meter = meter;
        _before = meter.Sample();
    }

    public static async Task<PhaseCost> StartAsync(string clusterConnectionString)
    {
        await using var db = NpgsqlDataSource.Create(clusterConnectionString);
        return new PhaseCost(await CpuMeter.ForAsync(Environment.ProcessId, db));
    }

    public string Describe(string phase)
    {
        var now = _meter.Sample();
        return $"phase cost: {phase}: {_clock.Elapsed.TotalSeconds:0.0} s wall, {ServiceProcess.Started - _startsBefore} service starts " +
            $"({(ServiceProcess.StartingTime - _startingBefore).TotalSeconds:0.0} s and {(ServiceProcess.StartingCpu - _startingCpuBefore).TotalSeconds:0.0} CPU s until ready, " +
            $"{(ServiceProcess.StoppingTime - _stoppingBefore).TotalSeconds:0.0} s stopping), CPU s: " +
            $"service {(ChildCpu.Total() - _serviceBefore).TotalSeconds:0.0}, PostgreSQL {(now.Postgres - _before.Postgres).TotalSeconds:0.0}, " +
            $"bench {(now.Bench - _before.Bench).TotalSeconds:0.0}";
    }
}
