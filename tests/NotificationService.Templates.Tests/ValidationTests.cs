using static NotificationService.Templates.Tests.TemplateTestData;

namespace NotificationService.Templates.Tests;

public class ValidationTests
{
    private readonly TemplateEngine engine = new();

    [Fact]
    public void Unclosed_block_is_reported_at_the_line_and_column_of_its_opening_tag()
    {
        var error = Assert.Single(engine.Validate(Html("<p>Hello</p>\n<ul>\n  {{#each items}}\n  <li>{{name}}</li>\n</ul>")));
        Assert.Equal(("html", 3, 3), (error.Part, error.Line, error.Column));
        Assert.Contains("never closed", error.Message);
    }

    [Theory]
    [InlineData("<p>\n  {{> (whichPartial)}}", 2, 3, "Unknown helper 'whichPartial' in subexpression")]
    [InlineData("<p>\n {{#*log \"x\"}}{{/log}}", 2, 2, "Decorator '*log'")]
    [InlineData("a\n{{{{raw}}}} {{x}}", 2, 1, "never closed")]
    [InlineData("{{{{raw}}}} {{x}} {{{{/other}}}}", 1, 1, "does not close the raw block")]
    [InlineData("a {{{{formatDate d}}}}x{{{{/formatDate}}}}", 1, 3, "Unknown helper 'formatDate' in a raw block")]
    public void Constructs_the_service_does_not_render_are_refused_at_their_position(string template, int line, int column, string message)
    {
        var error = engine.Validate(Html(template)).First(); // the first error is the construct's own
        Assert.Equal(("html", line, column), (error.Part, error.Line, error.Column));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_computed_partial_name_reaches_every_partial_and_a_name_that_matches_none_is_the_templates_error()
    {
        var partials = new Dictionary<string, string> { ["a"] = "A{{v}}", ["b"] = "B{{> c}}", ["c"] = "C", ["d"] = "{{#if" };
        var definition = Html("{{#each l}}{{> (lookup . 'kind')}}{{/each}}", partials);
        var error = Assert.Single(engine.Validate(definition)); // every partial may be called, so each is checked
        Assert.Equal("partial:d", error.Part);

        partials.Remove("d");
        Assert.Equal(["a", "b", "c"], engine.PartialsUsed(definition).Order());
        Assert.Equal("A1BC", engine.Render(definition, Json("""{"l":[{"kind":"a","v":1},{"kind":"b"}]}""")).Parts["html"]);
        var missing = Assert.Throws<TemplateValidationException>(() => engine.Render(definition, Json("""{"l":[{"kind":"zz"}]}""")));
        Assert.Equal("The partial 'zz' could not be found.", Assert.Single(missing.Errors).Message);
        var undefinedName = Assert.Throws<TemplateValidationException>(() => engine.Render(definition, Json("""{"l":[{}]}""")));
        Assert.Equal("The partial undefined could not be found.", Assert.Single(undefinedName.Errors).Message);
    }

    [Fact]
    public void Mismatched_close_names_both_tags()
    {
        var error = Assert.Single(engine.Validate(Text("{{#if a}}\n{{/each}}")));
        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Contains("line 1, column 1", error.Message);
    }

    [Fact]
    public void Unclosed_tag_is_reported_where_it_opens()
    {
        var error = Assert.Single(engine.Validate(Text("line one\nHello {{name")));
        Assert.Equal("body", error.Part);
        Assert.Equal(2, error.Line);
        Assert.Equal(7, error.Column);
    }

    [Fact]
    public void Handlebars_net_exception_positions_are_parsed()
    {
        var error = CompileErrorTranslator.TryCompile("html", () => HandlebarsDotNet.Handlebars.Create().Compile("ok\nab {{&name}} cd"));
        Assert.NotNull(error);
        Assert.Equal("html", error.Part);
        Assert.Equal((2, 15), (error.Line, error.Column)); // line 2, at the end of the offending tag
        Assert.DoesNotContain("Occured at", error.Message);
    }

    [Theory]
    [InlineData("{{shout name}}", "Unknown helper 'shout'")]
    [InlineData("{{#if (bogus a)}}x{{/if}}", "Unknown helper 'bogus'")]
    [InlineData("{{#repeat 3}}x{{/repeat}}", "Unknown block helper 'repeat'")]
    [InlineData("{{#eq a b}}x{{/eq}}", "'eq' is not a block helper")]
    [InlineData("{{if a}}", "'if' is a block helper")]
    [InlineData("{{#goodbyes name}}x{{/goodbyes}}", "Unknown block helper 'goodbyes'")]
    public void Unknown_or_misused_helpers_are_rejected(string template, string expected)
    {
        var error = Assert.Single(engine.Validate(Text(template)));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("{{name}} {{user.email}} {{this.total}} {{items.length}}")]
    [InlineData("{{formatDate sentAt \"yyyy\"}} {{upper name}} {{lookup labels status}}")]
    [InlineData("{{#if (and (gt total 10) (not vip))}}{{default nick \"friend\"}}{{/if}}")]
    public void Plain_variables_and_known_helpers_are_accepted(string template) =>
        Assert.Empty(engine.Validate(Text(template)));

    [Theory]
    [InlineData("{{#goodbyes}}{{text}}{{/goodbyes}}{{^set}}not set{{/set}}")]
    [InlineData("{{#people}}{{name}}{{^}}{{none}}{{/people}}{{#people}}x{{else if none}}y{{/people}}")]
    [InlineData("{{#if foo}} bar {{^}} baz {{/if}}{{&name}} {{~&name~}} {{~{name}~}}")]
    [InlineData("{{~! c ~}}{{~!-- c }} --~}}{{\"foo bar\"}}{{'foo bar'}}{{12}}{{false}}{{#\"list\"}}{{.}}{{/\"list\"}}")]
    public void Handlebars_js_syntax_is_accepted(string template) =>
        Assert.Empty(engine.Validate(Text(template)));

    [Fact]
    public void Unclosed_section_is_reported_where_it_opens()
    {
        var error = Assert.Single(engine.Validate(Text("Hi\n  {{#people}}{{name}}")));
        Assert.Equal((2, 3), (error.Line, error.Column));
        Assert.Contains("'{{#people}}' is never closed", error.Message);
    }

    [Fact]
    public void Missing_partial_is_rejected_with_its_position()
    {
        var error = Assert.Single(engine.Validate(Html("<p>\n  {{> footer}}</p>", new Dictionary<string, string> { ["header"] = "h" })));
        Assert.Equal(("html", 2, 3), (error.Part, error.Line, error.Column));
        Assert.Contains("'footer' is not defined", error.Message);
    }

    [Fact]
    public void Recursive_partials_are_rejected()
    {
        var partials = new Dictionary<string, string> { ["a"] = "A {{> b}}", ["b"] = "B\n{{#if x}}{{> a}}{{/if}}" };
        var error = Assert.Single(engine.Validate(Text("{{> a}}", partials)));
        Assert.Equal(("partial:b", 2, 10), (error.Part, error.Line, error.Column));
        Assert.Contains("a -> b -> a", error.Message);
        Assert.Throws<TemplateValidationException>(() => engine.Render(Text("{{> a}}", partials), null));
    }

    [Fact]
    public void Errors_inside_partials_name_the_partial()
    {
        var error = Assert.Single(engine.Validate(Text("{{> p}}", new Dictionary<string, string> { ["p"] = "ok\n{{nope 1}}" })));
        Assert.Equal(("partial:p", 2, 1), (error.Part, error.Line, error.Column));
    }

    [Fact]
    public void Unused_partials_are_not_compiled_or_checked()
    {
        var partials = new Dictionary<string, string> { ["used"] = "u", ["other tenant partial"] = "{{#if}}" };
        Assert.Empty(engine.Validate(Text("{{> used}}", partials)));
    }

    [Fact]
    public void Templates_over_256_KB_are_rejected()
    {
        var error = Assert.Single(engine.Validate(Text(new string('x', 256 * 1024 + 1))));
        Assert.Contains("256 KB", error.Message);
        Assert.Empty(engine.Validate(Text(new string('x', 256 * 1024))));
    }

    [Fact]
    public void Layout_errors_are_reported_against_the_layout()
    {
        var error = Assert.Single(engine.Validate(Html("x", layout: "<html>\n{{#if a}}{{{body}}}</html>")));
        Assert.Equal(("layout", 2, 1), (error.Part, error.Line, error.Column));
    }
}
