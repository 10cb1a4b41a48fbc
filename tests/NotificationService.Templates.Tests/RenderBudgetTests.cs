using static NotificationService.Templates.Tests.TemplateTestData;

namespace NotificationService.Templates.Tests;

/// <summary>
/// Every render stops at its budget: output per part and time, whether or not the template writes anything; and a
/// template that could only recurse is refused when saved.
/// </summary>
public class RenderBudgetTests
{
    /// <summary>Four nested loops over the same 100 items: 100 million characters (the hostile template of issue 17).</summary>
    public const string NestedEach =
        "{{#each items}}{{#each ../items}}{{#each ../../items}}{{#each ../../../items}}x{{/each}}{{/each}}{{/each}}{{/each}}";

    /// <summary>Five levels that print nothing: 10 billion iterations with no write to stop them.</summary>
    public const string SilentNestedEach =
        "{{#each items}}{{#each ../items}}{{#each ../../items}}{{#each ../../../items}}{{#each ../../../../items}}{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}";

    public static readonly string HundredItems = "{\"items\":[" + string.Join(',', Enumerable.Range(0, 100)) + "]}";

    [Fact]
    public void Output_past_the_part_limit_stops_the_render_and_names_the_part()
    {
        var engine = new TemplateEngine(limits: new RenderLimits(TimeSpan.FromSeconds(30), 100_000));
        var e = Assert.Throws<TemplateRenderLimitException>(() => engine.RenderText(NestedEach, HundredItems));
        Assert.Equal("output", e.Limit);
        Assert.Contains("part 'body'", e.Message);
        Assert.Contains("100,000", e.Message);
    }

    [Fact]
    public void Loops_that_write_nothing_still_stop_at_the_time_limit()
    {
        var engine = new TemplateEngine(limits: new RenderLimits(TimeSpan.FromMilliseconds(200), 1_000_000));
        var e = Assert.Throws<TemplateRenderLimitException>(() => engine.RenderText(SilentNestedEach, HundredItems));
        Assert.Equal("time", e.Limit);
        Assert.Contains("200 ms", e.Message);
    }

    [Fact]
    public void A_render_within_budget_is_unchanged_and_the_next_render_gets_a_fresh_budget()
    {
        var engine = new TemplateEngine(limits: new RenderLimits(TimeSpan.FromSeconds(5), 1_000));
        Assert.Equal(new string('x', 100), engine.RenderText("{{#each items}}x{{/each}}", HundredItems));
        Assert.Throws<TemplateRenderLimitException>(() => engine.RenderText("{{#each items}}{{#each ../items}}x{{/each}}{{/each}}", HundredItems));
        Assert.Equal("ok", engine.RenderText("ok", "{}"));
    }

    [Theory]
    [InlineData("{{#*inline \"p\"}}{{> p}}{{/inline}}{{> p}}", "p -> p")]
    [InlineData("{{#*inline \"a\"}}{{> b}}{{/inline}}{{#*inline \"b\"}}{{#if x}}{{> a}}{{/if}}{{/inline}}{{> a}}", "a -> b -> a")]
    public void An_inline_partial_that_calls_itself_is_refused_at_save(string source, string cycle)
    {
        var errors = new TemplateEngine().Validate(Text(source));
        Assert.Contains(errors, e => e.Message == $"Inline partial cycle: {cycle}.");
    }

    [Fact]
    public void Inline_partials_calling_each_other_without_a_cycle_are_fine()
    {
        var source = "{{#*inline \"a\"}}[{{> b}}]{{/inline}}{{#*inline \"b\"}}b{{/inline}}{{> a}}{{> b}}";
        Assert.Empty(new TemplateEngine().Validate(Text(source)));
        Assert.Equal("[b]b", new TemplateEngine().RenderText(source, "{}"));
    }
}
