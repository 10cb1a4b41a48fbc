using System.Text.Json.Nodes;
using static NotificationService.Templates.Tests.TemplateTestData;

namespace NotificationService.Templates.Tests;

/// <summary>
/// Every source is measured against <see cref="TemplateLimits"/> before anything compiles it (issue 28): exactly at a
/// limit passes, one past it is refused naming the part, the line of the tag that passes it and the limit. The inputs
/// that took a process down on the base commit (2,000 nested <c>#each</c>: a stack overflow in Handlebars.Net's compiler)
/// or tied it up (10,000 <c>#if</c>: 18 to 36 s and 250 MiB) are refused at once.
/// </summary>
public class TemplateLimitsTests
{
    private readonly TemplateEngine engine = new();

    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    /// <summary>n blocks, one per line, closed on the last line.</summary>
    private static string Nested(int n, string open = "{{#each l}}", string close = "{{/each}}") =>
        Repeat(open + "\n", n) + "x" + Repeat(close, n);

    private static TemplateError Single(IReadOnlyList<TemplateError> errors, string limit) =>
        Assert.Single(errors, e => e.Limit == limit);

    [Theory]
    [InlineData("{{#each l}}", "{{/each}}")]
    [InlineData("{{#if a}}", "{{/if}}")]
    [InlineData("{{#with o}}", "{{/with}}")]
    [InlineData("{{#> p}}", "{{/p}}")]
    [InlineData("{{#section}}", "{{/section}}")]
    public void Blocks_nest_64_deep_and_the_65th_level_is_refused_at_its_line(string open, string close)
    {
        var partials = new Dictionary<string, string> { ["p"] = "{{> @partial-block}}" };
        Assert.Empty(TemplateLimits.Check("html", Nested(64, open, close)));
        Assert.DoesNotContain(engine.Validate(Html(Nested(64, open, close), partials)), e => e.Limit is not null);

        var error = Single(engine.Validate(Html(Nested(65, open, close), partials)), "depth");
        Assert.Equal(("html", 65, 1), (error.Part, error.Line, error.Column));
        Assert.Contains("more than 64 levels", error.Message);
    }

    [Fact]
    public void An_else_if_chain_counts_a_level_per_else_if()
    {
        string Chain(int elseIfs) => "{{#if a}}a\n" + string.Concat(Enumerable.Range(0, elseIfs).Select(i => $"{{{{else if b{i}}}}}{i}\n")) + "{{/if}}";
        Assert.Empty(engine.Validate(Text(Chain(63))));
        var error = Single(engine.Validate(Text(Chain(64))), "depth");
        Assert.Equal(("body", 65), (error.Part, error.Line));
        Assert.Contains("else if", error.Message);
    }

    [Fact]
    public void Subexpressions_nest_16_deep_and_the_17th_is_refused()
    {
        string Deep(int n) => "line 1\n{{upper " + Repeat("(lower ", n) + "a" + Repeat(")", n) + "}}";
        Assert.Empty(engine.Validate(Text(Deep(16))));
        var error = Single(engine.Validate(Text(Deep(17))), "subexpressions");
        Assert.Equal(("body", 2, 1), (error.Part, error.Line, error.Column));
        Assert.Contains("16", error.Message);
    }

    [Fact]
    public void A_part_holds_1000_nodes_and_the_node_past_it_is_refused_at_its_line()
    {
        // {{a}} is one node; {{#if a}}…{{/if}} three; {{formatDate d "yyyy" locale="fr"}} four (hash keys are not nodes).
        Assert.Empty(TemplateLimits.Check("html", Repeat("{{a}}\n", 1_000)));
        Assert.Empty(TemplateLimits.Check("html", Repeat("{{#if a}}x{{/if}}\n", 333) + "{{a}}"));
        Assert.Empty(TemplateLimits.Check("html", Repeat("{{formatDate d \"yyyy\" locale=\"fr\"}}\n", 250)));
        Assert.Empty(engine.Validate(Html(Repeat("{{a}}\n", 1_000))));

        var error = Single(engine.Validate(Html(Repeat("{{a}}\n", 1_001))), "nodes");
        Assert.Equal(("html", 1_001, 1), (error.Part, error.Line, error.Column));
        Assert.Contains("1,000", error.Message);
        Assert.Equal(251, Single(TemplateLimits.Check("html", Repeat("{{formatDate d \"yyyy\" locale=\"fr\"}}\n", 251)), "nodes").Line);
    }

    [Fact]
    public void A_template_holds_2000_nodes_across_its_parts_layout_and_used_partials()
    {
        var partials = new Dictionary<string, string> { ["p"] = Repeat("{{a}}", 500), ["unused"] = Repeat("{{a}}", 1_000) };
        TemplateDefinition Definition(int layoutNodes) => new(TemplateTestData.Tenant, NextKey(),
            [new TemplatePart("subject", Repeat("{{a}}", 500) + "{{> p}}", false), new TemplatePart("html", Repeat("{{a}}", 499), true)],
            partials, "{{{body}}}" + Repeat("{{a}}", layoutNodes - 1));
        Assert.Empty(TemplateCompilerAnalysis(Definition(500)));
        var error = Single(TemplateCompilerAnalysis(Definition(501)), "nodes");
        Assert.Contains("2,000", error.Message);
    }

    private static IReadOnlyList<TemplateError> TemplateCompilerAnalysis(TemplateDefinition definition) =>
        TemplateCompiler.Analyze(definition).Errors; // the bounds and the analysis, without compiling 4,000 nodes twice

    [Fact]
    public void A_part_is_at_most_256_KB_and_the_error_names_the_line_that_passes_it()
    {
        var line = new string('x', 1023) + "\n"; // 1 KB a line
        Assert.Empty(TemplateLimits.Check("text", Repeat(line, 256)));
        var error = Single(TemplateLimits.Check("text", Repeat(line, 256) + "y"), "size");
        Assert.Equal(("text", 257), (error.Part, error.Line));
        Assert.Contains("256 KB", error.Message);
    }

    [Fact]
    public void A_partial_nests_on_from_the_depth_of_its_call()
    {
        // 40 levels in the part, the call one more, 23 in the partial: 64. One more in the partial is 65.
        var part = Nested(40).Replace("x", "{{> p}}");
        Assert.Empty(engine.Validate(Html(part, new Dictionary<string, string> { ["p"] = Nested(23) })));

        var error = Single(engine.Validate(Html(part, new Dictionary<string, string> { ["p"] = Nested(24) })), "depth");
        Assert.Equal(("partial:p", 24), (error.Part, error.Line));
        Assert.Contains("partial call", error.Message);
    }

    [Fact]
    public void A_chain_of_partials_deeper_than_the_limit_is_refused_at_the_call_that_passes_it()
    {
        var partials = Enumerable.Range(0, 100).ToDictionary(i => "p" + i, i => i == 99 ? "end" : $"{{{{> p{i + 1}}}}}");
        var error = Single(engine.Validate(Html("{{> p0}}", partials)), "depth");
        Assert.Equal("partial:p63", error.Part);
    }

    [Fact]
    public void A_partial_past_the_limits_is_refused_only_when_used()
    {
        var partials = new Dictionary<string, string> { ["deep"] = Nested(65), ["fine"] = "ok" };
        Assert.Empty(engine.Validate(Html("{{> fine}}", partials)));
        var error = Single(engine.Validate(Html("{{> fine}}{{> deep}}", partials)), "depth");
        Assert.Equal(("partial:deep", 65), (error.Part, error.Line));
    }

    [Fact]
    public void The_templates_that_took_a_process_down_are_refused_and_never_compiled()
    {
        var deepEach = Repeat("{{#each a}}", 2_000) + "x" + Repeat("{{/each}}", 2_000);
        var nestedIf = Repeat("{{#if a}}", 10_000) + "x" + Repeat("{{/if}}", 10_000);
        var sequentialIf = Repeat("{{#if a}}x{{/if}}", 10_000);
        var deepSubexpression = "{{upper " + Repeat("(lower ", 5_000) + "a" + Repeat(")", 5_000) + "}}";
        var deepElseIf = "{{#if a}}" + Repeat("{{else if a}}", 5_000) + "{{/if}}";
        foreach (var (source, limit) in new[] { (deepEach, "depth"), (nestedIf, "depth"), (sequentialIf, "nodes"), (deepSubexpression, "subexpressions"), (deepElseIf, "depth") })
        {
            var errors = engine.Validate(Html(source));
            Assert.Contains(errors, e => e.Limit == limit && e.Part == "html" && e.Line == 1);
            var refused = Assert.Throws<TemplateValidationException>(() => engine.Render(Html(source), Json("""{"a":[1]}""")));
            Assert.Contains(refused.Errors, e => e.Limit == limit);
        }
        Assert.Equal(0, engine.CachedTemplates);
    }

    [Fact]
    public void Data_nested_far_past_its_limit_is_refused_without_recursing_into_it()
    {
        JsonNode data = new JsonObject();
        for (var i = 0; i < 10_000; i++) data = new JsonObject { ["d"] = data };
        Assert.Contains("deeper than 32", Assert.Throws<TemplateDataTooLargeException>(() => engine.Render(Text("{{d.d.d}}"), data)).Message);
        Assert.Contains("deeper than 32", TemplateDataLimits.Check(data));
    }

    [Fact]
    public void A_compile_over_its_budget_is_a_compileTime_error_for_the_part()
    {
        var hurried = new TemplateEngine(limits: RenderLimits.Default with { MaxCompileDuration = TimeSpan.FromTicks(1) });
        var error = Assert.Single(hurried.Validate(Html("{{#each l}}{{a}}{{/each}}")));
        Assert.Equal(("html", "compileTime"), (error.Part, error.Limit));
        Assert.Contains("took longer than", error.Message);
        var refused = Assert.Throws<TemplateValidationException>(() => hurried.Render(Html("{{a}}"), Json("{}")));
        Assert.Equal("compileTime", Assert.Single(refused.Errors).Limit);
        Assert.Equal("x", engine.RenderHtml("{{#each l}}{{a}}{{/each}}x", "{}")); // other engines' budgets are their own
    }

    [Fact]
    public void Names_reserved_for_block_params_cannot_be_read_by_a_template()
    {
        foreach (var source in new[] { "{{__hbjs_bp1_0}}", "{{#each l}}{{../__hbjs_bp3_1.x}}{{/each}}", "{{upper [__hbjs_bp1_0]}}" })
            Assert.Contains(engine.Validate(Text(source)), e => e.Message.Contains("reserved"));
    }

    [Fact]
    public void Block_params_in_scope_are_at_most_32()
    {
        string Scoped(int levels) => Repeat("{{#each l as |x i|}}\n", levels) + "x" + Repeat("{{/each}}", levels);
        Assert.Empty(engine.Validate(Html(Scoped(16))));
        var error = Single(engine.Validate(Html(Scoped(17))), "blockParams");
        Assert.Equal(("html", 17), (error.Part, error.Line));
    }

    [Fact]
    public void Sixty_four_levels_of_every_block_render()
    {
        foreach (var (open, close) in new[] { ("{{#each @root.l}}", "{{/each}}"), ("{{#with @root.o}}", "{{/with}}"), ("{{#if @root.l}}", "{{/if}}"), ("{{#> p}}", "{{/p}}") })
        {
            var definition = Html(Nested(64, open, close), new Dictionary<string, string> { ["p"] = "{{> @partial-block}}" });
            Assert.Equal("x", engine.Render(definition, Json("""{"l":[1],"o":{"a":1}}""")).Parts["html"]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1024 * 1024)]
    public void A_render_that_would_exhaust_the_stack_stops_with_the_depth_limit(int threadStack)
    {
        // A partial that calls itself through the data nests as deep as Handlebars.Net lets it: 100 calls of 60 levels.
        // On a thread of 1 MB that overflowed even with RuntimeHelpers.EnsureSufficientExecutionStack at every level.
        var partials = new Dictionary<string, string> { ["p"] = Repeat("{{#with .}}", 60) + "{{> (lookup . 'next')}}" + Repeat("{{/with}}", 60) };
        var definition = Html("{{> (lookup . 'next')}}", partials);
        Assert.Empty(engine.Validate(definition));
        Exception? thrown = null;
        var thread = new Thread(() => thrown = Record.Exception(() => engine.Render(definition, Json("""{"next":"p"}"""))), threadStack);
        thread.Start();
        thread.Join();
        var limit = Assert.IsType<TemplateRenderLimitException>(thrown);
        Assert.Equal("depth", limit.Limit);
    }
}
