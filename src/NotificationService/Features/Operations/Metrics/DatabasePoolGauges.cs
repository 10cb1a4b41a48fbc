using System.Diagnostics.Metrics;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// This host's connection pool: connections in use, idle, and the pool's maximum. Npgsql reports them on its static
/// `Npgsql` meter for every pool in the process, tagged with the pool's name (<see cref="DatabasePoolName"/>); a pool
/// name is not a label to export, and in tests several hosts share one process. So a listener of our own reads Npgsql's
/// figures at scrape time and keeps only this host's pool, and our meter reports them without the name.
/// </summary>
public sealed class DatabasePoolGauges : IDisposable
{
    public const string NpgsqlMeter = "Npgsql", NpgsqlCount = "db.client.connection.count", NpgsqlMax = "db.client.connection.max";
    private readonly MeterListener _npgsql = new();
    private readonly string _poolName;
    private readonly Lock _read = new();
    private int _idle, _used, _max;
    private bool _seen;

    public DatabasePoolGauges(ServiceMeter meter, DatabasePoolName pool)
    {
        _poolName = pool.Value;
        _npgsql.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NpgsqlMeter && instrument.Name is NpgsqlCount or NpgsqlMax)
                listener.EnableMeasurementEvents(instrument);
        };
        _npgsql.SetMeasurementEventCallback<int>(OnMeasurement);
        _npgsql.Start();
        meter.Meter.CreateObservableGauge(ServiceMeter.DbConnectionsName, Connections);
        meter.Meter.CreateObservableGauge(ServiceMeter.DbConnectionsMaxName, Max);
    }

    private IEnumerable<Measurement<int>> Connections() => Read() is { } pool
        ? [new(pool.Used, new KeyValuePair<string, object?>("state", "used")),
           new(pool.Idle, new KeyValuePair<string, object?>("state", "idle"))]
        : [];

    private IEnumerable<Measurement<int>> Max() => Read() is { } pool ? [new(pool.Max)] : [];

    /// <summary>Npgsql's current figures for this host's pool; null before the pool reports (nothing opened yet).</summary>
    private (int Used, int Idle, int Max)? Read()
    {
        lock (_read)
        {
            (_idle, _used, _max, _seen) = (0, 0, 0, false);
            _npgsql.RecordObservableInstruments();
            return _seen ? (_used, _idle, _max) : null;
        }
    }

    // Called back synchronously from RecordObservableInstruments above, under _read.
    private void OnMeasurement(Instrument instrument, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? pool = null, connectionState = null;
        foreach (var tag in tags)
            switch (tag.Key)
            {
                case "db.client.connection.pool.name": pool = tag.Value as string; break;
                case "db.client.connection.state": connectionState = tag.Value as string; break;
            }
        if (pool != _poolName) return;
        _seen = true;
        if (instrument.Name == NpgsqlMax) _max += value;
        else if (connectionState == "used") _used += value;
        else if (connectionState == "idle") _idle += value;
    }

    public void Dispose() => _npgsql.Dispose();
}
