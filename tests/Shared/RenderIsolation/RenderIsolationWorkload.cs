using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Templates;

namespace NotificationService.Tests.Shared.RenderIsolation;

// Shared by Templates.Tests (RenderIsolationTests, CI-sized) and bench/TemplateBench (--isolation, any size).

/// <summary>One render: a tenant's shape with one recipient's data.</summary>
public sealed record Work(string Tenant, RenderIsolationShape Shape, JsonNode Data)
{
    public string Render(TemplateEngine engine) => engine.Render(Shape.Definition(Tenant), Data).Parts["html"];
}

public sealed record RenderIsolationShape(string Name, string Source, IReadOnlyDictionary<string, string>? Partials)
{
    /// <summary>The same source under the same key for every tenant: what an inline body sent by several tenants is.</summary>
    public TemplateDefinition Definition(string tenant) => definitions.GetOrAdd(tenant,
        static (t, shape) => new(TenantId(t), "inline:" + shape.Name, [new TemplatePart("html", shape.Source, true)], shape.Partials), this);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TemplateDefinition> definitions = new();

    public static Guid TenantId(string tenant) => new(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(tenant)));
}

/// <summary>The shapes of the finding, each with data whose every id names its tenant and recipient.</summary>
public static class RenderIsolationShapes
{
    /// <summary>The finding's body: 50 pairs of nested loops over 10 reps (its 1,000-recipient batches hit the fault in 3 %
    /// of bodies); the other shapes are small.</summary>
    private const int NestedLoops = 50;

    public static readonly RenderIsolationShape[] All =
    [
        new("nested block params", NestedBody(NestedLoops), null),
        new("with as", "{{#with user as |u|}}{{#each u.orders as |o i|}}{{u.name}}:{{o.id}}@{{i}};{{/each}}{{/with}}", null),
        new("partials", "{{#each items as |it|}}{{> line item=it}}{{/each}}",
            new Dictionary<string, string> { ["line"] = "{{#each item.tags as |t n|}}[{{n}}{{t.id}}{{item.id}}]{{/each}}" }),
        new("parent paths", "{{#each groups}}{{#each members}}{{../id}}/{{id}} {{/each}}{{/each}}", null),
        new("data variables", "{{#each rows}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}={{@value.id}} {{/each}}"
            + "{{#each byKey as |v k|}}{{@key}}{{k}}{{v.id}}{{@index}},{{/each}}<{{@value.id}}{{@key}}>", null),
    ];

    /// <summary>The finding's inline body, with <paramref name="loops"/> pairs of nested loops.</summary>
    public static string NestedBody(int loops)
    {
        var body = new StringBuilder("{{#each reps as |r|}}");
        for (var n = 0; n < loops; n++)
            body.Append($"{{{{#each r.xs as |a{n}|}}}}{{{{#each r.ys as |c{n}|}}}}<{{{{a{n}.id}}}}{{{{c{n}.id}}}}>{{{{/each}}}}{{{{/each}}}}");
        return body.Append("|{{/each}}").ToString();
    }

    public static JsonNode Data(RenderIsolationShape shape, string tenant, int recipient)
    {
        var who = $"{tenant}/{recipient}";
        JsonObject Id(string what) => new() { ["id"] = $"{who}/{what}" };
        JsonArray Ids(string what, int count) => new(Enumerable.Range(0, count).Select(i => (JsonNode)Id(what + i)).ToArray());
        return shape.Name switch
        {
            "nested block params" => new JsonObject
            {
                ["reps"] = new JsonArray(Enumerable.Range(0, 10).Select(r => (JsonNode)new JsonObject
                    { ["xs"] = Ids($"r{r}x", 2), ["ys"] = Ids($"r{r}y", 2) }).ToArray()),
            },
            "with as" => new JsonObject { ["user"] = new JsonObject { ["name"] = who, ["orders"] = Ids("order", 3) } },
            "partials" => new JsonObject
            {
                ["items"] = new JsonArray(Enumerable.Range(0, 3).Select(i => (JsonNode)new JsonObject
                    { ["id"] = $"{who}/item{i}", ["tags"] = Ids($"item{i}tag", 2) }).ToArray()),
            },
            "parent paths" => new JsonObject
            {
                ["groups"] = new JsonArray(Enumerable.Range(0, 3).Select(g => (JsonNode)new JsonObject
                    { ["id"] = $"{who}/g{g}", ["members"] = Ids($"g{g}m", 2) }).ToArray()),
            },
            _ => new JsonObject { ["rows"] = Ids("row", 3), ["byKey"] = new JsonObject { ["k1"] = Id("k1"), ["k2"] = Id("k2") } },
        };
    }
}

public sealed record IsolationResult(long Renders, long Differences, string? FirstDifference);

/// <summary>Threads render the work items in their own shuffled orders, each render checked against its render done alone.</summary>
public static class RenderIsolationRun
{
    /// <summary>An engine whose time limits do not trip: on a loaded machine the finding's body can take longer than the
    /// default second of wall clock to render and 10 s to compile, and this run is about what renders print, not how fast.</summary>
    public static TemplateEngine Engine() => new(limits: new RenderLimits(TimeSpan.FromSeconds(1), 1_000_000, new FrozenClock())
        { MaxCompileDuration = TimeSpan.FromMinutes(10) });

    private sealed class FrozenClock : TimeProvider
    {
        public override long GetTimestamp() => 0;
    }

    /// <summary>Every shape for every recipient of every tenant.</summary>
    public static Work[] Work(int tenants, int recipientsPerTenant) =>
        Enumerable.Range(0, tenants).Select(t => $"tenant-{t}").SelectMany(tenant => RenderIsolationShapes.All.SelectMany(shape =>
            Enumerable.Range(0, recipientsPerTenant).Select(r => new Work(tenant, shape, RenderIsolationShapes.Data(shape, tenant, r))))).ToArray();

    public static IsolationResult Concurrently(TemplateEngine engine, Work[] work, string[] alone, int threads, int rounds)
    {
        long renders = 0, differences = 0;
        string? first = null;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            start.SignalAndWait();
            for (var round = 0; round < rounds; round++)
                foreach (var i in Enumerable.Range(0, work.Length).OrderBy(_ => random.Next()))
                {
                    var got = work[i].Render(engine);
                    Interlocked.Increment(ref renders);
                    if (got == alone[i]) continue;
                    Interlocked.Increment(ref differences);
                    Interlocked.CompareExchange(ref first, $"{work[i].Tenant} '{work[i].Shape.Name}': {Difference(alone[i], got)}", null);
                }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return new IsolationResult(renders, differences, first);
    }

    /// <summary>Where two renders part, with a little of each around it (the nested shape renders 40 KB).</summary>
    private static string Difference(string alone, string concurrently)
    {
        var at = 0;
        while (at < alone.Length && at < concurrently.Length && alone[at] == concurrently[at]) at++;
        var from = Math.Max(0, at - 40);
        string Around(string s) => s.Substring(Math.Min(from, s.Length), Math.Min(120, Math.Max(0, s.Length - from)));
        return $"from character {at}: alone ...{Around(alone)}..., concurrently ...{Around(concurrently)}...";
    }
}
