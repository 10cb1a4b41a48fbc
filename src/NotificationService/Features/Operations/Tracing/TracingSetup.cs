using NotificationService.Infrastructure;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using NotificationService.Queue;

namespace NotificationService.Features.Operations.Tracing;

/// <summary>
/// OpenTelemetry traces over OTLP, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Spans come from the platform's own
/// sources (ASP.NET Core's incoming requests, HttpClient's outgoing calls: provider APIs and webhooks, Npgsql's
/// statements) and the service's: the accept batcher's commit and the queue's "process" span, which continues the trace
/// stored with each job (see <see cref="JobTracing"/>). Built with the SDK's own builder (there is no hosting package
/// here) and disposed with the host, which flushes what is buffered.
/// </summary>
public static class TracingSetup
{
    public static readonly string[] Sources =
        ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", JobTracing.SourceName, "NotificationService.BatchingWriter"];

    /// <summary>The sources traced, and what every span goes through before any exporter sees it.</summary>
    public static TracerProviderBuilder WithServiceSources(this TracerProviderBuilder builder) =>
        builder.AddSource(Sources).AddProcessor(new OutgoingUrlScrubber());

    public static IServiceCollection AddTracing(this IServiceCollection services, IConfiguration config)
    {
        var endpoint = config["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return services;
        var httpProtobuf = config["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf";
        services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(config["OTEL_SERVICE_NAME"] ?? "notification-service"))
            .WithServiceSources()
            .AddOtlpExporter(o =>
            {
                // The exporter appends the signal path itself only when it reads the variable; from configuration it is ours to add.
                o.Protocol = httpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                o.Endpoint = new Uri(httpProtobuf ? endpoint.TrimEnd('/') + "/v1/traces" : endpoint);
            })
            .Build());
        services.AddHostedService<TracerStart>();
        return services;
    }

    /// <summary>
    /// Names ASP.NET Core's request span after its route template and tags it as OpenTelemetry's HTTP conventions do
    /// (the platform's span carries neither without the instrumentation package, which is not available here).
    /// Costs nothing when no tracer records the request.
    /// </summary>
    public static void UseRequestTracing(this WebApplication app) => app.Use(async (http, next) =>
    {
        var activity = Activity.Current;
        if (activity is not { IsAllDataRequested: true, Kind: ActivityKind.Server }) { await next(http); return; }
        // Routing has already chosen the endpoint; the exception handler clears it before an error answer, so keep it.
        var chosen = http.GetEndpoint();
        try { await next(http); }
        finally
        {
            var endpoint = http.GetEndpoint() ?? chosen;
            var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
            activity.DisplayName = route is null ? http.Request.Method : $"{http.Request.Method} {route}";
            activity.SetTag("http.request.method", http.Request.Method);
            activity.SetTag("http.route", route);
            activity.SetTag("url.path", PathForLogs.Of(http, endpoint));   // a signed link's token never reaches a trace
            activity.SetTag("http.response.status_code", http.Response.StatusCode);
            if (http.Response.StatusCode >= 500) activity.SetStatus(ActivityStatusCode.Error);
        }
    });

    /// <summary>Creates the provider when the host starts (so the first request is traced); the container disposes it.</summary>
    private sealed class TracerStart(TracerProvider provider, ILogger<TracerStart> log) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            log.LogInformation("tracing on: OTLP exporter {Provider}", provider.GetType().Name);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
