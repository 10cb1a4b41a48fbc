using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;
using NotificationService.Workflows.Conditions;

namespace NotificationService.Workflows.Tests.Conditions;

/// <summary>
/// Every evaluation of a condition stops at its budget while it runs, whatever amplifies: a function whose output outgrows
/// its input (`join`, `pad_left`, `replace`), a projection or `map` copying the whole context once per item, nested
/// projections, a function's key expression run per item. Each spec measures what the evaluating thread allocated and
/// holds it under a bound far below what the condition would take unbounded. Time is measured on a clock of the spec's
/// own (<see cref="StepClock"/>), so no outcome depends on how fast or loaded the machine is.
/// </summary>
public class ConditionBudgetTests
{
    /// <summary>A clock that moves only when read: <paramref name="step"/> per reading (zero: time stands still).</summary>
    private sealed class StepClock(TimeSpan step) : TimeProvider
    {
        private long _now = 1;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref _now, step.Ticks);
    }

    private static readonly TimeProvider Frozen = new StepClock(TimeSpan.Zero);

    /// <summary>Only the limit under test can stop these evaluations.</summary>
    private static ConditionLimits Only(int maxSteps = int.MaxValue, long maxAllocatedBytes = long.MaxValue, TimeSpan? maxDuration = null, TimeProvider? clock = null) =>
        new(maxSteps, int.MaxValue, maxAllocatedBytes, maxDuration ?? TimeSpan.FromDays(1), clock ?? Frozen);

    /// <summary>The default limits, but time stands still: the limit a spec expects is the one that stops it.</summary>
    private static readonly ConditionLimits Defaults = ConditionLimits.Default with { Clock = Frozen };

    private const long MB = 1 << 20;

    private static JToken Context(JsonObject data) => new ConditionContext(data, null, null, [], null).Token;

    private static JsonArray Repeated(int count, Func<int, JsonNode?> item) => new(Enumerable.Range(0, count).Select(item).ToArray());

    /// <summary>The evaluation's failure and the bytes the evaluating thread allocated until it stopped.</summary>
    private static (ConditionException Error, long Allocated) Stopped(string text, JToken context, ConditionLimits? limits = null)
    {
        var condition = Condition.Parse(text);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Record.Exception(() => condition.Evaluate(context, limits ?? Defaults));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (Assert.IsType<ConditionException>(error), allocated);
    }

    [Fact]
    public void Nested_joins_stop_at_the_output_limit_before_the_string_is_built()
    {
        // The finding: each join repeats its separator (the previous join) 499 times; the third would be 248 million characters.
        var context = Context(new JsonObject { ["s"] = "xx", ["a"] = Repeated(500, _ => "") });
        var (error, allocated) = Stopped("length(join(join(join(data.s, data.a), data.a), data.a)) > `0`", context);
        Assert.Contains("produced more than 4,000,000 characters", error.Message);
        Assert.InRange(allocated, 0, 8 * MB);
    }

    [Fact]
    public void A_projection_copying_the_whole_context_per_item_stops_at_the_allocation_limit()
    {
        // Each item copies the whole context (2,000 values): 4 million JSON values, 400 MB, for 2,000 items.
        var context = Context(new JsonObject { ["a"] = Repeated(2000, _ => "") });
        var (error, allocated) = Stopped("length(data.a[*].[$]) > `0`", context);
        Assert.Contains("allocated more than 64 MB", error.Message);
        Assert.InRange(allocated, 64 * MB, 72 * MB);
    }

    [Fact]
    public void Map_over_an_expression_copying_the_whole_context_stops_at_the_output_limit()
    {
        var context = Context(new JsonObject { ["a"] = Repeated(2000, _ => "") });
        var (error, allocated) = Stopped("length(map(&$, data.a)) > `0`", context);
        Assert.Contains("produced more than 4,000,000 characters", error.Message);
        Assert.InRange(allocated, 0, 8 * MB);
    }

    [Theory]
    [InlineData("length(pad_left('x', `1000000000`)) > `0`")]   // a 2 GB string
    [InlineData("length(pad_right(data.s, `1000000000`)) > `0`")]
    [InlineData("length(replace(data.xs, 'x', data.ys)) > `0`")]   // 10,000 matches × 1,000 characters
    public void Functions_whose_output_outgrows_their_input_stop_before_building_it(string text)
    {
        var context = Context(new JsonObject { ["s"] = "x", ["xs"] = new string('x', 10_000), ["ys"] = new string('y', 1000) });
        var (error, allocated) = Stopped(text, context);
        Assert.Contains("produced more than 4,000,000 characters", error.Message);
        Assert.InRange(allocated, 0, 8 * MB);
    }

    [Fact]
    public void Nested_projections_stop_at_the_step_limit()
    {
        // Filters nested three deep over the same 100 items: a million filter evaluations that copy almost nothing.
        var context = Context(new JsonObject { ["a"] = Repeated(100, _ => "") });
        var (error, allocated) = Stopped("length(data.a[?length($.data.a[?length($.data.a[?@ == '']) > `0`]) > `0`]) > `0`", context, Only(maxSteps: 50_000));
        Assert.Contains("took more than 50,000 steps", error.Message);
        Assert.InRange(allocated, 0, 16 * MB);
    }

    [Fact]
    public void A_key_expression_run_per_item_counts_its_steps()
    {
        var context = Context(new JsonObject { ["items"] = Repeated(20_000, i => new JsonObject { ["n"] = i }) });
        var (error, allocated) = Stopped("length(sort_by(data.items, &n)) > `0`", context, Only(maxSteps: 5_000));
        Assert.Contains("took more than 5,000 steps", error.Message);
        Assert.InRange(allocated, 0, 8 * MB);
    }

    [Fact]
    public void The_time_limit_is_read_on_the_evaluations_clock_while_it_runs()
    {
        // A second passes at each reading, and the clock is read every 64 steps: ten readings, then it stops.
        var context = Context(new JsonObject { ["items"] = Repeated(20_000, i => new JsonObject { ["n"] = i }) });
        var limits = Only(maxDuration: TimeSpan.FromSeconds(10), clock: new StepClock(TimeSpan.FromSeconds(1)));
        var (error, allocated) = Stopped("length(sort_by(data.items, &n)) > `0`", context, limits);
        Assert.Contains("took longer than 10000 ms", error.Message);
        Assert.InRange(allocated, 0, 8 * MB);
    }

    [Fact]
    public void What_the_evaluation_allocates_is_bounded_whatever_it_produces()
    {
        // Each item serializes the whole context (40 KB): 80 MB of strings unbounded; with no output limit, 4 MB stops it.
        var context = Context(new JsonObject { ["a"] = Repeated(2000, _ => "0123456789abcdef") });
        var (error, allocated) = Stopped("length(map(&to_string($), data.a)) > `0`", context, Only(maxAllocatedBytes: 4 * MB));
        Assert.Contains("allocated more than 4 MB", error.Message);
        Assert.InRange(allocated, 4 * MB, 8 * MB);
    }

    [Fact]
    public void A_condition_reading_the_whole_context_several_times_fits_the_default_budget()
    {
        // About 240 KB of data, close to the trigger's limit, read whole by four functions and two projections. (Time is
        // left out: JmesPath.Net takes about a second for this on a busy two-core host.)
        var context = Context(new JsonObject
        {
            ["items"] = Repeated(4000, i => new JsonObject { ["sku"] = $"sku-{i:D6}", ["n"] = i, ["tags"] = new JsonArray("a", "b", "c") }),
            ["blob"] = new string('x', 60_000),
        });
        var condition = Condition.Parse(
            "length(data.items[?n > `10`]) == `3989` && !contains(data.items[*].sku, 'none') && length(sort_by(data.items, &n)) == `4000`"
            + " && max_by(data.items, &n).n == `3999` && length(data.items[*].tags[]) == `12000` && length(join(',', [data.blob, data.blob])) > `0`");
        Assert.True(condition.Holds(context, Defaults));
    }

    [Fact]
    public void Concurrent_evaluations_of_one_condition_each_see_their_own_context()
    {
        // A stored workflow's conditions are shared by its runs; JmesPath.Net keeps `$` and some functions' arguments in
        // the parsed tree and in shared function instances, so each evaluation must have its own.
        var condition = Condition.Parse("[$.data.name, pad_left(data.name, `8`), let $n = data.name in $n]");
        var contexts = new[] { "alice", "bob" }.Select(n => (Name: n, Token: Context(new JsonObject { ["name"] = n }))).ToArray();
        var wrong = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var (name, token) = contexts[i % 2];
            var result = condition.Evaluate(token);
            if ((string?)result[0] != name || (string?)result[1] != name.PadLeft(8) || (string?)result[2] != name) Interlocked.Increment(ref wrong);
        });
        Assert.Equal(0, wrong);
    }
}
