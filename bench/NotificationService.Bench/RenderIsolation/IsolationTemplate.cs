using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Templates;

namespace NotificationService.Bench.RenderIsolation;

/// <summary>
/// The email every tenant of the render-isolation phase saves under the same key, with the same source: the shapes that
/// read another render's values before binding frames were made fresh (docs/decisions/template-render-isolation.md):
/// nested <c>#each</c> with block params, <c>#with … as |x|</c>, a partial taking a block param, <c>../</c>, and
/// <c>@index/@first/@last/@key/@value</c>. Every value in a recipient's data names its tenant and recipient, so a body
/// showing anything of another render differs from the same body rendered alone.
/// </summary>
public static class IsolationTemplate
{
    public const string Key = "isolation-digest";
    public const string PartialName = "line";

    /// <summary>Pairs of nested loops per rep, and reps: the finding's body (every pair opens three frames per rep, so one
    /// render reuses pooled frames hundreds of times). Smaller is blind: with 16 pairs over 3 reps, 102,000 bodies through
    /// the API showed no difference even with fresh frames turned off; with these, 227 of 9,000 did.</summary>
    private const int NestedLoops = 50;
    private const int Reps = 10;

    public const string Subject = "{{title}}";

    public const string Partial = "{{#each item.tags as |t n|}}[{{n}}{{t.id}}{{item.id}}]{{/each}}";

    public static readonly string Html = new StringBuilder()
        .Append("<h1>{{title}}</h1>\n")
        .Append("{{#with user as |u|}}<p>{{u.name}}</p>{{#each u.orders as |o i|}}{{u.name}}:{{o.id}}@{{i}};{{/each}}{{/with}}\n")
        .Append("{{#each items as |it|}}{{> line item=it}}{{/each}}\n")
        .Append("{{#each groups}}{{#each members}}{{../id}}/{{id}}{{#if @first}}^{{/if}} {{/each}}{{/each}}\n")
        .Append("{{#each rows}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}={{@value.id}} {{/each}}\n")
        .Append("{{#each byKey as |v k|}}{{@key}}{{k}}{{v.id}}{{@index}},{{/each}}\n")
        .Append(NestedBody())
        .ToString();

    private static string NestedBody()
    {
        var body = new StringBuilder("{{#each reps as |r|}}");
        for (var n = 0; n < NestedLoops; n++)
            body.Append($"{{{{#each r.xs as |a{n}|}}}}{{{{#each r.ys as |c{n}|}}}}<{{{{a{n}.id}}}}{{{{c{n}.id}}}}>{{{{/each}}}}{{{{/each}}}}");
        return body.Append("|{{/each}}").ToString();
    }

    /// <summary>Marker of tenant <paramref name="t"/>: in every value of its recipients' data.</summary>
    public static string Marker(int t) => t switch { 0 => "ALPHA", 1 => "BRAVO", 2 => "CHARLIE", _ => $"TENANT{t}" };

    public static string Email(int tenant, int recipient) => $"{Marker(tenant).ToLowerInvariant()}-{recipient}@isolation.example";

    /// <summary>Recipient <paramref name="recipient"/>'s data: the same every time it is asked for (sent and expected alike).</summary>
    public static JsonObject Data(int tenant, int recipient)
    {
        var who = $"{Marker(tenant)}-{recipient}";
        JsonObject Id(string what) => new() { ["id"] = $"{who}-{what}" };
        JsonArray Ids(string what, int count) => new(Enumerable.Range(0, count).Select(i => (JsonNode)Id(what + i)).ToArray());
        return new JsonObject
        {
            ["title"] = $"Digest for {who}",
            ["user"] = new JsonObject { ["name"] = who, ["orders"] = Ids("order", 3) },
            ["items"] = new JsonArray(Enumerable.Range(0, 3).Select(i => (JsonNode)new JsonObject
                { ["id"] = $"{who}-item{i}", ["tags"] = Ids($"item{i}tag", 2) }).ToArray()),
            ["groups"] = new JsonArray(Enumerable.Range(0, 3).Select(g => (JsonNode)new JsonObject
                { ["id"] = $"{who}-g{g}", ["members"] = Ids($"g{g}m", 2) }).ToArray()),
            ["rows"] = Ids("row", 3),
            ["byKey"] = new JsonObject { ["k1"] = Id("k1"), ["k2"] = Id("k2") },
            ["reps"] = new JsonArray(Enumerable.Range(0, Reps).Select(r => (JsonNode)new JsonObject
                { ["xs"] = Ids($"r{r}x", 2), ["ys"] = Ids($"r{r}y", 2) }).ToArray()),
        };
    }

    /// <summary>The template as the service renders a saved version of it: subject and html parts, the partial copied in.</summary>
    public static TemplateDefinition Definition(Guid tenantId) => new(tenantId, "bench:" + Key,
        [new TemplatePart("subject", Subject, false), new TemplatePart("html", Html, true)],
        new Dictionary<string, string> { [PartialName] = Partial });
}
