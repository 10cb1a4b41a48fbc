using Prometheus;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// Figures brought up to date before each scrape of this host's registry.
/// <para>
/// Adding a gauge (say, jobs waiting per queue of some scheduler):
/// <list type="number">
/// <item>A class takes <see cref="IMetricFactory"/> (this host's registry, never prometheus-net's static <c>Metrics</c>)
/// and declares its gauge in its constructor: <c>_waiting = metrics.CreateGauge("scheduler_jobs_waiting", "Jobs waiting
/// to run, by queue", "queue")</c>. Names in base units with Prometheus's suffixes; labels from small closed sets, never
/// a tenant, a user or an id.</item>
/// <item>It implements this interface: <see cref="RefreshAsync"/> reads the figures and sets the gauge
/// (<c>_waiting.WithLabels(queue).Set(count)</c>). Sources refresh concurrently before every scrape; one whose database
/// is down keeps its last figures and the scrape still answers. Cache what costs a query (<see cref="OperationalGauges"/>).</item>
/// <item><c>services.AddMetricsSource&lt;T&gt;()</c> in the feature's AddX(): the family is declared when the host
/// starts, so every scrape shows it.</item>
/// <item>A line in tests/…/Operations/Metrics/series.tsv (the spec that pins every family) and in docs/operations.md.</item>
/// </list>
/// </para>
/// </summary>
public interface IMetricsSource
{
    Task RefreshAsync(CancellationToken ct);
}

public static class MetricsSources
{
    public static IServiceCollection AddMetricsSource<T>(this IServiceCollection services) where T : class, IMetricsSource
    {
        services.AddSingleton<T>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<T>());
        return services;
    }
}

/// <summary>
/// Readies this host's registry for each scrape: every <see cref="IMetricsSource"/> refreshes, then the observable
/// instruments are read through the <see cref="MeterBridge"/> (the queue gauges report what their source just read).
/// Built when the host maps /metrics, so every source's families are declared before the first scrape.
/// </summary>
public sealed class ScrapePreparation
{
    public ScrapePreparation(CollectorRegistry registry, MeterBridge bridge, IEnumerable<IMetricsSource> sources,
        ILogger<ScrapePreparation> log)
    {
        IMetricsSource[] all = [.. sources];
        registry.AddBeforeCollectCallback(async ct =>
        {
            await Task.WhenAll(all.Select(async source =>
            {
                try { await source.RefreshAsync(ct); }
                catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
                {
                    // The database is down: still answer with everything else; this source keeps its last figures.
                    log.LogDebug(e, "metrics source {Source} kept its last figures", source.GetType().Name);
                }
            }));
            bridge.ReadObservables();
        });
    }
}
