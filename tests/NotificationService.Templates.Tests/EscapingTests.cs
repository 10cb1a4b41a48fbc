namespace NotificationService.Templates.Tests;

public class EscapingTests
{
    private readonly TemplateEngine engine = new();

    [Fact]
    public void Html_parts_escape_double_stash_and_keep_triple_stash_raw()
    {
        var html = engine.RenderHtml("<p>{{name}}</p>{{{raw}}}", """{"name":"Tom & <Jerry> \"'`=","raw":"<b>bold</b>"}""");
        Assert.Equal("<p>Tom &amp; &lt;Jerry&gt; &quot;&#x27;&#x60;&#x3D;</p><b>bold</b>", html);
    }

    [Fact]
    public void Plain_text_parts_are_never_html_escaped()
    {
        Assert.Equal("Tom & Jerry <3 \"quoted\"", engine.RenderText("{{name}} {{love}}", """{"name":"Tom & Jerry","love":"<3 \"quoted\""}"""));
    }

    [Fact]
    public void Plain_text_partials_are_not_escaped_but_the_same_partial_in_html_is()
    {
        var partials = new Dictionary<string, string> { ["who"] = "{{name}}" };
        var definition = new TemplateDefinition(TemplateTestData.Tenant, TemplateTestData.NextKey(),
            [new TemplatePart("sms", "Hi {{> who}}", false), new TemplatePart("html", "<p>{{> who}}</p>", true)], partials);
        var result = engine.Render(definition, TemplateTestData.Json("""{"name":"Tom & Jerry"}"""));
        Assert.Equal("Hi Tom & Jerry", result.Parts["sms"]);
        Assert.Equal("<p>Tom &amp; Jerry</p>", result.Parts["html"]);
    }

    [Fact]
    public void Template_syntax_inside_data_is_printed_not_executed()
    {
        var output = engine.RenderText("{{evil}}", """{"evil":"{{#each this}}{{lookup . 'x'}}{{/each}} {{> secret}}"}""");
        Assert.Equal("{{#each this}}{{lookup . 'x'}}{{/each}} {{> secret}}", output);
    }

    [Fact]
    public void Numbers_keep_their_json_formatting_whatever_the_culture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("fr-FR");
        try
        {
            Assert.Equal("19.90 3 12345678901234567890 -0.5", engine.RenderText("{{a}} {{b}} {{c}} {{d}}", """{"a":19.90,"b":3,"c":12345678901234567890,"d":-0.5}"""));
        }
        finally { Thread.CurrentThread.CurrentCulture = previous; }
    }
}
