using System.Text.Json.Nodes;

namespace NotificationService.Templates.Tests;

/// <summary>The template/data cases of handlebars.js 4.7.8's own spec files (basic, blocks, builtins, data,
/// whitespace-control, regressions, partials) that need no custom JavaScript: no helper, decorator or compile
/// option of the test's own, JSON data (an object), string partials. Corpus/handlebars-js-4.7-spec.json holds
/// each one as data: name (spec file › describe › it), template, data, partials and the output the spec asserts.
/// Corpus/extract-spec-cases.js produced it from the spec files (see its header); the expected strings are
/// handlebars.js's, never ours. Corpus/handlebars-js-4.7-rendered.json adds cases written here for constructs the
/// spec covers thinly (else chains, sections over each kind of value, standalone lines, block params, @partial-block,
/// includeZero), each with the output handlebars.js 4.7.8 itself rendered (render-with-handlebars-js.js; its inputs
/// are in rendered-inputs.json). Each case renders as an HTML part (escaping on, as in handlebars.js).</summary>
public class HandlebarsJsSpecCorpus
{
    internal static readonly Lazy<Dictionary<string, JsonObject>> Cases = new(() =>
        new[] { "handlebars-js-4.7-spec.json", "handlebars-js-4.7-rendered.json" }
            .SelectMany(file => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", file)))!.AsArray())
            .Select(c => c!.AsObject()).ToDictionary(c => (string)c["name"]!));

    public static TheoryData<string> CaseNames() => new(Cases.Value.Keys);

    private readonly TemplateEngine engine = new();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Output_matches_the_handlebars_js_spec(string name)
    {
        var c = Cases.Value[name];
        var partials = c["partials"] is JsonObject p ? p.ToDictionary(x => x.Key, x => (string)x.Value!) : null;
        var definition = TemplateTestData.Html((string)c["template"]!, partials);
        Assert.Empty(engine.Validate(definition));
        Assert.Equal((string)c["expected"]!, engine.Render(definition, c["data"]!.DeepClone()).Parts["html"]);
    }

    [Fact]
    public void Every_spec_file_contributes_cases()
    {
        var files = Cases.Value.Keys.Where(n => !n.StartsWith("rendered #", StringComparison.Ordinal)).Select(n => n.Split(" > ")[0]).ToHashSet();
        Assert.Equal(["basic", "blocks", "builtins", "data", "partials", "regressions", "whitespace-control"], files.Order());
    }
}
