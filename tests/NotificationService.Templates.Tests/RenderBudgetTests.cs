using static NotificationService.Templates.Tests.TemplateTestData;

namespace NotificationService.Templates.Tests;

/// <summary>
/// Every render stops at its budget: output per part, and the template's own work in steps (loop iterations and writes)
/// whether or not it writes anything, with a wall-clock backstop; and a template that could only recurse is refused when
/// saved. Time is measured on a clock of the spec's own (<see cref="StepClock"/>), so no outcome depends on how fast or
/// how loaded the machine is, and a clock that jumps (a host so busy the render's thread waits seconds) stops nothing
/// that the steps allow.
/// </summary>
public class RenderBudgetTests
{
    /// <summary>A clock that moves only when read: <paramref name="step"/> per reading (zero: time stands still).</summary>
    private sealed class StepClock(TimeSpan step) : TimeProvider
    {
        private long _now = 1;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref _now, step.Ticks);
    }

    private static readonly TimeProvider Frozen = new StepClock(TimeSpan.Zero);

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
        // However slow the machine, no time passes on this clock: the output limit is the one that stops it.
        var engine = new TemplateEngine(limits: new RenderLimits(TimeSpan.FromSeconds(1), 100_000, Frozen));
        var e = Assert.Throws<TemplateRenderLimitException>(() => engine.RenderText(NestedEach, HundredItems));
        Assert.Equal("output", e.Limit);
        Assert.Contains("part 'body'", e.Message);
        Assert.Contains("100,000", e.Message);
    }

    [Fact]
    public void Loops_that_write_nothing_stop_at_the_step_limit_however_little_time_passes()
    {
        // Time almost stands still (10 µs a reading): only counting the template's work can stop 10 billion iterations.
        var engine = new TemplateEngine(limits: RenderLimits.Default with { Clock = new StepClock(TimeSpan.FromTicks(100)) });
        var e = Assert.Throws<TemplateRenderLimitException>(() => engine.RenderText(SilentNestedEach, HundredItems));
        Assert.Equal("steps", e.Limit);
        Assert.Contains("10,000,000 steps", e.Message);
    }

    [Fact]
    public void A_normal_template_renders_on_a_host_so_slow_that_every_clock_reading_is_five_seconds_later()
    {
        // A 100-item loop with a few writes per item, as the in-app message that failed under load: about 1,000 steps,
        // far within the budget, so the default limits never read the clock for it, however slow the host.
        var engine = new TemplateEngine(limits: RenderLimits.Default with { Clock = new StepClock(TimeSpan.FromSeconds(5)) });
        var body = "{{#each items}}<li>{{this}}: {{@index}}</li>{{/each}}";
        var expected = string.Concat(Enumerable.Range(0, 100).Select(i => $"<li>{i}: {i}</li>"));
        for (var i = 0; i < 50; i++) Assert.Equal(expected, engine.RenderText(body, HundredItems));
    }

    [Fact]
    public void The_wall_clock_is_still_a_backstop_for_work_the_steps_allow()
    {
        // A budget of 30 s, each reading a second later: a render of about 100,000 steps reads the clock ~25 times and stops.
        var engine = new TemplateEngine(limits: RenderLimits.Default with { Clock = new StepClock(TimeSpan.FromSeconds(1)) });
        var e = Assert.Throws<TemplateRenderLimitException>(() => engine.RenderText(SilentNestedEach, HundredItems));
        Assert.Equal("time", e.Limit);
        Assert.Contains("30000 ms", e.Message);
    }

    [Fact]
    public void A_render_within_budget_is_unchanged_and_the_next_render_gets_a_fresh_budget()
    {
        var engine = new TemplateEngine(limits: new RenderLimits(TimeSpan.FromSeconds(1), 1_000, Frozen));
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
