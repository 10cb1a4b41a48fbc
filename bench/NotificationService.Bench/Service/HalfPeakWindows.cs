using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// Accept traffic for a "beside normal traffic" figure: the peak accept rate (closed loop), the queue drained after it,
/// then open-loop windows at half that rate, each window's p99 kept in the list it is measured for (quiet or during).
/// The retention and erase phases both measure this way.
/// </summary>
public sealed class HalfPeakWindows
{
    private readonly Uri _service;
    private readonly TimeSpan _window;

    private HalfPeakWindows(Uri service, TimeSpan window, double rate) => (_service, _window, Rate) = (service, window, rate);

    public double Rate { get; }
    public List<double> Quiet { get; } = [];
    public List<double> During { get; } = [];

    /// <summary>Windows while the disturbance is held still, interleaved with <see cref="During"/>: a "without" that shares its
    /// minutes (the disk's own slow spells fall on both alike).</summary>
    public List<double> Paused { get; } = [];

    /// <summary>When set, each counted window's waits (<see cref="WaitWatch.SampleAsync"/>), beside its p99 in the same place.</summary>
    public WaitWatch? Waits { get; set; }
    public List<string> QuietWaits { get; } = [];
    public List<string> DuringWaits { get; } = [];
    public List<string> PausedWaits { get; } = [];
    public long Errors { get; private set; }

    public static async Task<HalfPeakWindows> StartAsync(Uri service, NpgsqlDataSource db, TimeSpan window, string label)
    {
        var peak = await AcceptLoad.ClosedLoopAsync(service, BenchOptions.AcceptClients, window, $"{label}: peak accept");
        await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(180), $"{label}: draining after the peak");
        return new HalfPeakWindows(service, window, Math.Max(1, Math.Round(peak.AcceptedPerSec / 2)));
    }

    /// <summary>One window at half the peak; its p99 goes to <see cref="During"/> or <see cref="Quiet"/>.</summary>
    public Task WindowAsync(bool during, string label) => during ? WindowAsync(During, DuringWaits, label) : WindowAsync(Quiet, QuietWaits, label);

    /// <summary>One window at half the peak while the caller holds the disturbance still; its p99 goes to <see cref="Paused"/>.</summary>
    public Task PausedWindowAsync(string label) => WindowAsync(Paused, PausedWaits, label);

    private async Task WindowAsync(List<double> p99s, List<string> waits, string label)
    {
        if (Waits is null) { await RunAsync(p99s, label); return; }
        waits.Add(await Waits.SampleAsync(() => RunAsync(p99s, label)));
    }

    /// <summary>A window at half the peak whose p99 is kept nowhere: what follows the peak and a set-up settles in it.</summary>
    public Task SettleAsync(string label) => RunAsync(null, label);

    private async Task RunAsync(List<double>? p99s, string label)
    {
        var r = await AcceptLoad.OpenLoopAsync(_service, Rate, _window, $"{label} at {Rate:N0}/s");
        p99s?.Add(r.LatencyMs.P99);
        Errors += r.Errors;
    }
}
