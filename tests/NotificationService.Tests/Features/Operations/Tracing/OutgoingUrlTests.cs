using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using NotificationService.Features.Operations.Tracing;
using NotificationService.Tests.Features.Sending.Webhooks;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace NotificationService.Tests.Features.Operations.Tracing;

/// <summary>
/// A tenant's webhook or chat URL may hold its secret in the path, and .NET's own span of an outgoing call carries the URL
/// with only its query redacted: the service's tracer (the sources and processors <see cref="TracingSetup"/> gives its OTLP
/// exporter) exports an outgoing call with its origin, never its path.
/// </summary>
public class OutgoingUrlTests
{
    private sealed record Exported(ActivityKind Kind, string? Url, string Text);

    /// <summary>What an exporter is handed, read as it is handed over.</summary>
    private sealed class Recording(ConcurrentQueue<Exported> exported) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var a in batch)
                exported.Enqueue(new(a.Kind, a.GetTagItem(OutgoingUrlScrubber.UrlTag) as string,
                    $"{a.DisplayName} {string.Join(" ", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))}"));
            return ExportResult.Success;
        }
    }

    [Fact]
    public async Task An_outgoing_call_is_exported_with_its_origin_never_its_path()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var token = $"T0-B0-{Guid.NewGuid():N}";
        var exported = new ConcurrentQueue<Exported>();
        using (Sdk.CreateTracerProviderBuilder().WithServiceSources()
                   .AddProcessor(new SimpleActivityExportProcessor(new Recording(exported))).Build())
        using (var http = new HttpClient())
        {
            using var answer = await http.PostAsync($"{receiver.Url}/services/{token}", new StringContent("{}"));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var origin = new Uri(receiver.Url).GetLeftPart(UriPartial.Authority);
        Assert.Contains(exported, e => e.Kind == ActivityKind.Client && e.Url == origin + "/*");
        Assert.DoesNotContain(exported, e => e.Kind == ActivityKind.Client && e.Text.Contains(token));
    }
}
