using NotificationService.Infrastructure;
using System.Diagnostics.Metrics;
using NotificationService.Queue;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>Up to four label values of one series, in the family's label order; a value type, so recording allocates nothing.</summary>
public readonly record struct LabelValues(string? A, string? B = null, string? C = null, string? D = null)
{
    public string? this[int i] => i switch { 0 => A, 1 => B, 2 => C, 3 => D, _ => null };
}

public delegate LabelValues LabelMap(ReadOnlySpan<KeyValuePair<string, object?>> tags);

/// <summary>How one instrument's measurements become series of a family.</summary>
public sealed record MetricBinding(MetricFamilyInfo Family, LabelMap Labels);

/// <summary>The instruments /metrics exports, by meter and instrument name (see <see cref="MetricFamilies"/>).</summary>
public static class MetricBindings
{
    public const string AspNetCoreHosting = "Microsoft.AspNetCore.Hosting";
    public const string CallbacksMeter = "NotificationService.Callbacks";
    public const string RuntimeMeter = "System.Runtime";

    public static MetricBinding? For(Instrument instrument) => (instrument.Meter.Name, instrument.Name) switch
    {
        (AspNetCoreHosting, "http.server.request.duration") => new(MetricFamilies.HttpDuration, HttpLabels),
        (ServiceMeter.Name, ServiceMeter.AcceptedName) => Own(MetricFamilies.Accepted),
        (ServiceMeter.Name, ServiceMeter.AcceptToSentName) => Own(MetricFamilies.AcceptToSent),
        (ServiceMeter.Name, ServiceMeter.FinishedName) => Own(MetricFamilies.Finished),
        (ServiceMeter.Name, ServiceMeter.AttemptsName) => Own(MetricFamilies.Attempts),
        (ServiceMeter.Name, ServiceMeter.AttemptDurationName) => Own(MetricFamilies.AttemptDuration),
        (ServiceMeter.Name, ServiceMeter.QueueDepthName) => Own(MetricFamilies.QueueDepth),
        (ServiceMeter.Name, ServiceMeter.OldestReadyName) => Own(MetricFamilies.OldestReady),
        (QueueMetrics.MeterName, QueueMetrics.SetAsideName) => Own(MetricFamilies.JobsSetAside),
        (ServiceMeter.Name, ServiceMeter.WebhookDeliveriesName) => Own(MetricFamilies.WebhookDeliveries),
        (ServiceMeter.Name, ServiceMeter.WebhookDurationName) => Own(MetricFamilies.WebhookDuration),
        (ServiceMeter.Name, ServiceMeter.BulkRowsName) => Own(MetricFamilies.BulkRows),
        (ServiceMeter.Name, ServiceMeter.CircuitsName) => Own(MetricFamilies.Circuits),
        (ServiceMeter.Name, ServiceMeter.DbConnectionsName) => Own(MetricFamilies.DbConnections),
        (ServiceMeter.Name, ServiceMeter.DbConnectionsMaxName) => Own(MetricFamilies.DbConnectionsMax),
        (ServiceMeter.Name, ServiceMeter.RateLimitedName) => Own(MetricFamilies.RateLimited),
        (People.Inbox.InboxStreamHub.MeterName, People.Inbox.InboxStreamHub.OpenStreamsName) => Own(MetricFamilies.LiveStreams),
        (CallbacksMeter, "callback_events_applied") => Result(MetricFamilies.CallbackEvents, "applied"),
        (CallbacksMeter, "callback_events_unknown") => Result(MetricFamilies.CallbackEvents, "unknown"),
        (CallbacksMeter, "callback_events_parked") => Result(MetricFamilies.CallbackEvents, "parked"),
        (CallbacksMeter, "callbacks_rejected") => Own(MetricFamilies.CallbacksRejected),
        (RuntimeMeter, "dotnet.gc.pause.time") => Own(MetricFamilies.GcPause),
        (RuntimeMeter, "dotnet.gc.collections") => new(MetricFamilies.GcCollections, GenerationLabel),
        _ => null,
    };

    /// <summary>Tags named as the family's labels, in its order; anything else is dropped.</summary>
    private static MetricBinding Own(MetricFamilyInfo family) => new(family, tags =>
    {
        var names = family.Labels;
        Span<string?> values = [null, null, null, null];
        foreach (var tag in tags)
            for (var i = 0; i < names.Length; i++)
                if (names[i] == tag.Key) values[i] = tag.Value?.ToString();
        return new LabelValues(values[0], values[1], values[2], values[3]);
    });

    /// <summary>The callbacks meter counts each result on its own counter; here they are one family with a `result` label.</summary>
    private static MetricBinding Result(MetricFamilyInfo family, string result) => new(family, tags =>
    {
        string? provider = null;
        foreach (var tag in tags) if (tag.Key == "provider") provider = tag.Value?.ToString();
        return new LabelValues(provider, result);
    });

    /// <summary>
    /// ASP.NET Core's own request duration: the route template (never the raw path: a request that matched no endpoint
    /// has no `http.route` and is labelled "unmatched"), the method it already normalises (unknown ones are `_OTHER`),
    /// and the status as a class.
    /// </summary>
    private static LabelValues HttpLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? route = null, method = null, status = null;
        foreach (var tag in tags)
            switch (tag.Key)
            {
                case "http.route": route = tag.Value as string; break;
                case "http.request.method": method = tag.Value as string; break;
                case "http.response.status_code": status = tag.Value is int code ? StatusClass(code) : null; break;
            }
        return new LabelValues(string.IsNullOrEmpty(route) ? "unmatched" : route, method ?? "_OTHER", status ?? "unknown");
    }

    private static LabelValues GenerationLabel(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags) if (tag.Key == "gc.heap.generation") return new LabelValues(tag.Value?.ToString());
        return new LabelValues("unknown");
    }

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private static string StatusClass(int code) => code is >= 100 and < 600 ? StatusClasses[code / 100 - 1] : "unknown";
}
