namespace NotificationService.Features.Operations.Metrics;

public enum MetricType { Counter, Gauge, Histogram }

/// <summary>One series family as /metrics exposes it. Names follow Prometheus conventions: base units, `_total` on counters.</summary>
public sealed record MetricFamilyInfo(string Name, MetricType Type, string Help, string[] Labels, double[]? Buckets = null);

/// <summary>
/// The families /metrics exports from System.Diagnostics.Metrics instruments (which instrument feeds which:
/// <see cref="MetricBindings"/>). Each is declared in the host's prometheus-net registry when it starts
/// (<see cref="MeterBridge"/>), so a scrape always shows every family (a dashboard's queries name nothing that a scrape
/// lacks) and nothing else: instruments not listed are not exported, so no library can add an unbounded label by surprise.
/// </summary>
public static class MetricFamilies
{
    private static readonly double[] HttpBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private static readonly double[] CallBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
    private static readonly double[] LatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];

    public static readonly MetricFamilyInfo HttpDuration = new("http_server_request_duration_seconds", MetricType.Histogram,
        "HTTP requests by route template, method and status class", ["route", "method", "status_class"], HttpBuckets);
    public static readonly MetricFamilyInfo Accepted = new("notifications_accepted_total", MetricType.Counter,
        "Notifications accepted (committed), by channel", ["channel"]);
    public static readonly MetricFamilyInfo AcceptToSent = new("notifications_accept_to_sent_seconds", MetricType.Histogram,
        "Time from accept to the provider taking the message, by channel and priority", ["channel", "priority"], LatencyBuckets);
    public static readonly MetricFamilyInfo Finished = new("notifications_finished_total", MetricType.Counter,
        "Notifications that left the pipeline, by channel and outcome (sent, failed, suppressed, skipped, cancelled, expired): "
        + "skipped (no address or device) apart from failed", ["channel", "outcome"]);
    public static readonly MetricFamilyInfo Attempts = new("delivery_attempts_total", MetricType.Counter,
        "Provider calls by channel, provider kind and outcome (sent, transient, throttled, permanent, provider_failure)",
        ["channel", "provider_kind", "outcome"]);
    public static readonly MetricFamilyInfo AttemptDuration = new("delivery_attempt_duration_seconds", MetricType.Histogram,
        "Duration of one provider call, by provider kind", ["provider_kind"], CallBuckets);
    public static readonly MetricFamilyInfo QueueDepth = new("queue_depth", MetricType.Gauge,
        "Units of work per queue and state (ready, scheduled, running, dead); refreshed at most every few seconds", ["queue", "state"]);
    public static readonly MetricFamilyInfo OldestReady = new("queue_oldest_ready_age_seconds", MetricType.Gauge,
        "Age of the oldest job that is due and not yet claimed (0 when none)", ["queue"]);
    public static readonly MetricFamilyInfo JobsSetAside = new("queue_jobs_set_aside_total", MetricType.Counter,
        "Jobs this replica's rescuer set aside (dead) because workers died holding them Queue:CrashesBeforeSetAside times, by queue",
        ["queue"]);
    public static readonly MetricFamilyInfo WebhookDeliveries = new("webhook_deliveries_total", MetricType.Counter,
        "Outgoing webhook attempts by outcome (succeeded, retrying, failed; skipped: endpoint disabled, nothing sent)", ["outcome"]);
    public static readonly MetricFamilyInfo WebhookDuration = new("webhook_delivery_duration_seconds", MetricType.Histogram,
        "Duration of one outgoing webhook attempt, by outcome", ["outcome"], CallBuckets);
    public static readonly MetricFamilyInfo CallbackEvents = new("provider_callback_events_total", MetricType.Counter,
        "Provider status events by provider and result (applied, unknown, parked)", ["provider", "result"]);
    public static readonly MetricFamilyInfo CallbacksRejected = new("provider_callbacks_rejected_total", MetricType.Counter,
        "Provider callbacks refused, by provider and reason (signature, timestamp, size, format)", ["provider", "reason"]);
    public static readonly MetricFamilyInfo BulkRows = new("bulk_rows_total", MetricType.Counter,
        "CSV bulk rows committed, by outcome (accepted, rejected, duplicate)", ["outcome"]);
    public static readonly MetricFamilyInfo Circuits = new("provider_circuits", MetricType.Gauge,
        "Provider configs per kind whose circuit is closed, open or half_open, as this replica sees them", ["provider_kind", "state"]);
    // Each pod's own Npgsql pool (Database:MaxPoolSize): used near max means requests queue for a connection.
    public static readonly MetricFamilyInfo DbConnections = new("db_client_connections", MetricType.Gauge,
        "Connections of this replica's database pool, by state (used, idle)", ["state"]);
    public static readonly MetricFamilyInfo DbConnectionsMax = new("db_client_connections_max", MetricType.Gauge,
        "The most connections this replica's database pool opens", []);
    public static readonly MetricFamilyInfo RateLimited = new("api_rate_limited_total", MetricType.Counter,
        "API requests answered 429 by the per-tenant rate limit, by endpoint class", ["endpoint_class"]);
    public static readonly MetricFamilyInfo LiveStreams = new("inbox_live_streams", MetricType.Gauge,
        "Live inbox streams (SSE) open on this replica; the inbox component opens one per browser and user, shared by its tabs", []);
    // The runtime's own (System.Runtime meter): a latency spike that lines up with a pause is the collector, not the database.
    public static readonly MetricFamilyInfo GcPause = new("dotnet_gc_pause_seconds_total", MetricType.Counter,
        "Time this process was paused for garbage collections", []);
    public static readonly MetricFamilyInfo GcCollections = new("dotnet_gc_collections_total", MetricType.Counter,
        "Garbage collections by the oldest generation collected (gen0, gen1, gen2)", ["generation"]);

    public static readonly IReadOnlyList<MetricFamilyInfo> All =
        [HttpDuration, Accepted, AcceptToSent, Finished, Attempts, AttemptDuration, QueueDepth, OldestReady, JobsSetAside,
         WebhookDeliveries, WebhookDuration, CallbackEvents, CallbacksRejected, BulkRows, Circuits, DbConnections, DbConnectionsMax,
         RateLimited, LiveStreams, GcPause, GcCollections];
}
