using System.Text.Json.Nodes;
using static NotificationService.Templates.Tests.TemplateTestData;

namespace NotificationService.Templates.Tests;

public class RenderTests
{
    private readonly TemplateEngine engine = new();

    [Theory]
    [InlineData("{{formatDate d \"yyyy-MM-dd HH:mm\" \"Europe/Paris\" \"fr-FR\"}}", "2024-03-05 15:30")]
    [InlineData("{{formatDate d \"d MMMM yyyy\" \"Europe/Paris\" \"fr-FR\"}}", "5 mars 2024")]
    [InlineData("{{formatDate d \"HH:mm\"}}", "09:30")] // RenderOptions: America/New_York
    [InlineData("{{formatDate 1709649000 \"yyyy-MM-dd\"}}", "2024-03-05")]
    [InlineData("{{formatDate \"not a date\"}}", "not a date")]
    [InlineData("{{formatNumber n 2}}", "1,234.50")]
    [InlineData("{{formatNumber n 0 \"de-DE\"}}", "1.235")]
    [InlineData("{{formatCurrency n \"USD\"}}", "$1,234.50")]
    [InlineData("{{formatCurrency n \"JPY\" \"ja-JP\"}}", "￥1,235")]
    [InlineData("{{#if (eq status \"shipped\")}}S{{/if}}{{#if (ne n 1)}}N{{/if}}{{#if (gt n 1000)}}G{{/if}}{{#if (lt n 2)}}L{{/if}}", "SNG")]
    [InlineData("{{#if (and vip (or (gt n 1) missing))}}A{{/if}}{{#if (not vip)}}B{{/if}}", "A")]
    [InlineData("{{default nick \"friend\"}} {{default name \"x\"}}", "friend Tom & Jerry")]
    [InlineData("{{upper name}}|{{lower name}}|{{capitalize status}}", "TOM & JERRY|tom & jerry|Shipped")]
    [InlineData("{{truncate long 5}}|{{truncate long 5 \"...\"}}|{{truncate name 50}}", "abcde…|abcde...|Tom & Jerry")]
    [InlineData("{{json obj}}", "{\"a\":[1,2.50,\"x\"],\"b\":null}")]
    public void Helpers(string template, string expected)
    {
        var data = """{"d":"2024-03-05T14:30:00Z","n":1234.50,"status":"shipped","vip":true,"name":"Tom & Jerry","long":"abcdefghij","obj":{"a":[1,2.50,"x"],"b":null}}""";
        Assert.Equal(expected, engine.RenderText(template, data, new RenderOptions("en-US", "America/New_York")));
    }

    [Fact]
    public void Helpers_return_values_are_escaped_in_html_parts() =>
        Assert.Equal("TOM &amp; JERRY", engine.RenderHtml("{{upper name}}", """{"name":"Tom & Jerry"}"""));

    [Fact]
    public void Layout_wraps_html_parts_and_sees_the_data_while_text_parts_stay_unwrapped()
    {
        var definition = new TemplateDefinition(TemplateTestData.Tenant, NextKey(),
            [new TemplatePart("subject", "Hi {{name}}", false), new TemplatePart("html", "<p>Hi {{name}}</p>", true)],
            Layout: "<html><body>{{{body}}}<footer>{{company}}</footer></body></html>");
        var result = engine.Render(definition, Json("""{"name":"Ada & co","company":"ACME"}"""));
        Assert.Equal("Hi Ada & co", result.Parts["subject"]);
        Assert.Equal("<html><body><p>Hi Ada &amp; co</p><footer>ACME</footer></body></html>", result.Parts["html"]);
        Assert.Equal("Hi Ada & co\n\nACME", result.Parts["text"]);
    }

    [Fact]
    public void Text_is_derived_from_html_with_links_entities_and_collapsed_whitespace()
    {
        var html = "<html><head><title>T</title><style>p{color:red}</style></head><body>\n<h1>Reset&nbsp;password</h1>\n" +
                   "<p>Hello   <b>Ada</b>,<br>click <a href=\"https://x.example/r?a=1&amp;b=2\">here</a>.</p><!-- hidden -->" +
                   "<ul><li>one</li><li>two &amp; three</li></ul><script>alert(1)</script></body></html>";
        Assert.Equal("Reset password\n\nHello Ada,\nclick here (https://x.example/r?a=1&b=2).\n\n- one\n- two & three",
            TemplateEngine.DeriveText(html));
    }

    [Fact]
    public void Variables_lists_paths_with_each_and_with_resolved()
    {
        // {{../currency}} in a partial reads nothing (handlebars.js starts a partial's ../ chain at the partial), so it
        // is not a variable of the template; {{../sku}} inside the partial's own #with is items[].sku.
        var partials = new Dictionary<string, string> { ["row"] = "{{title}} {{../currency}}{{#with box}}{{../sku}}{{/with}}" };
        var definition = Text("{{user.name}} {{#with user}}{{email}}{{/with}} {{#each items}}{{> row}}{{price}}{{@index}}{{/each}}" +
                              "{{formatDate sentAt \"d\"}} {{#if (eq status \"x\")}}{{note}}{{/if}} {{lookup labels status}}", partials);
        Assert.Equal(["user.name", "user", "user.email", "items", "items[].title", "items[].box", "items[].sku", "items[].price", "sentAt", "status", "note", "labels"],
            engine.Variables(definition));
    }

    [Fact]
    public void Missing_variables_are_the_unconditional_ones_absent_from_data_minus_optional_ones()
    {
        var definition = Text("{{user.name}} {{code}} {{promo}} {{default nick \"x\"}} {{#if vip}}{{perk}}{{/if}} {{#each items}}{{sku}}{{/each}}")
            with { OptionalVariables = ["promo"] };
        var result = engine.Render(definition, Json("""{"user":{"name":null},"items":[{}]}"""));
        Assert.Equal(["user.name", "code"], result.MissingVariables);
        Assert.Empty(engine.Render(definition, Json("""{"user":{"name":"A"},"code":1,"items":[]}""")).MissingVariables);
    }

    [Fact]
    public void Data_over_the_limits_is_rejected()
    {
        JsonNode deep = new JsonObject();
        for (var i = 0; i < 40; i++) deep = new JsonObject { ["x"] = deep };
        Assert.Contains("deeper than 32", TemplateDataLimits.Check(deep));
        var big = new JsonObject { ["s"] = new string('a', 1024 * 1024) };
        Assert.Throws<TemplateDataTooLargeException>(() => engine.Render(Text("{{s}}"), big));
        Assert.Null(TemplateDataLimits.Check(Json("""{"a":{"b":[1,2,{"c":"d"}]}}""")));
    }

    [Fact]
    public void Compiled_templates_are_cached_per_key_and_the_cache_is_bounded()
    {
        var small = new TemplateEngine(cacheCapacity: 4);
        var definition = Text("{{a}}");
        small.Render(definition, Json("""{"a":1}"""));
        // Same key, different source: the cached (immutable) version is used, as keys name versions.
        Assert.Equal("1", small.Render(definition with { Parts = [new TemplatePart("body", "changed", false)] }, Json("""{"a":1}""")).Parts["body"]);
        for (var i = 0; i < 20; i++) small.Render(Text("{{a}}"), Json("""{"a":1}"""));
        Assert.InRange(small.CachedTemplates, 1, 4);
    }

    [Fact]
    public void Concurrent_renders_are_isolated()
    {
        var definition = Text("{{n}} {{formatDate d \"HH\"}}");
        Parallel.For(0, 200, i =>
        {
            var zone = i % 2 == 0 ? "UTC" : "Asia/Tokyo";
            var output = engine.Render(definition, Json($$"""{"n":{{i}},"d":"2024-01-01T00:00:00Z"}"""), new RenderOptions(null, zone)).Parts["body"];
            Assert.Equal($"{i} {(i % 2 == 0 ? "00" : "09")}", output);
        });
    }
}
