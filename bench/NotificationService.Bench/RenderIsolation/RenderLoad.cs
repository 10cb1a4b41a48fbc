using System.Diagnostics;
using System.Text.Json.Nodes;
using NotificationService.Templates;

namespace NotificationService.Bench.RenderIsolation;

/// <summary>What the load part counted: renders done, those stopped by the render budget, those that printed something else.</summary>
public sealed record RenderLoadResult(long Renders, long LimitFailures, long Differences, int RenderThreads, int BusyThreads, TimeSpan Elapsed)
{
    public double RendersPerSec => Renders / Elapsed.TotalSeconds;
}

/// <summary>
/// A normal template under full CPU load, with the service's default render budget: an in-app message over a 100-item
/// loop (the shape that once failed for good with `render_limit` on two busy cores), rendered by twice as many threads as
/// the host has cores while as many more threads spin, so every render's thread is often descheduled mid-render. Every
/// render must succeed and print what it printed alone. The engine and limits are the service's own
/// (<see cref="RenderLimits.Default"/> is what `Templates:*` default to).
/// </summary>
public static class RenderLoad
{
    private const string Title = "{{count}} updates for {{name}}";
    private const string Body = "{{#each items}}{{@index}}. {{label}} ({{qty}}){{#unless @last}}, {{/unless}}{{/each}}";

    public static RenderLoadResult Measure(long renders)
    {
        var engine = new TemplateEngine();
        var definition = new TemplateDefinition(Guid.NewGuid(), "bench:render-load", [new("title", Title, false), new("body", Body, false)]);
        var data = new JsonObject
        {
            ["name"] = "Ada", ["count"] = 100,
            ["items"] = new JsonArray([.. Enumerable.Range(0, 100).Select(Item)]),
        };
        var expected = engine.Render(definition, data).Parts;
        var (renderThreads, busyThreads) = (Environment.ProcessorCount * 2, Environment.ProcessorCount);
        long next = 0, failures = 0, differences = 0;
        using var stop = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, busyThreads).Select(_ => new Thread(() => Spin(stop.Token)) { IsBackground = true }).ToList();
        spinners.ForEach(t => t.Start());
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, renderThreads).Select(_ => new Thread(() =>
        {
            while (Interlocked.Increment(ref next) <= renders)
            {
                try
                {
                    var parts = engine.Render(definition, data).Parts;
                    if (parts["title"] != expected["title"] || parts["body"] != expected["body"]) Interlocked.Increment(ref differences);
                }
                catch (TemplateRenderLimitException) { Interlocked.Increment(ref failures); }
                if (Volatile.Read(ref next) is var done && done % 100_000 == 0)
                    Progress.Show($"{IsolationRun.Phase}: {done:N0}/{renders:N0} renders under load");
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        var elapsed = clock.Elapsed;
        stop.Cancel();
        spinners.ForEach(t => t.Join());
        return new RenderLoadResult(renders, failures, differences, renderThreads, busyThreads, elapsed);
    }

    private static JsonNode Item(int i) => new JsonObject { ["label"] = $"item {i}", ["qty"] = i % 7 };

    private static void Spin(CancellationToken stop)
    {
        var x = 0UL;
        while (!stop.IsCancellationRequested)
            for (var i = 0; i < 100_000; i++) x = x * 6364136223846793005UL + 1442695040888963407UL;
        GC.KeepAlive(x);
    }
}
