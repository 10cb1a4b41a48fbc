namespace NotificationService.Workflows.Conditions;

/// <summary>
/// What one evaluation of a condition may spend. <see cref="MaxSteps"/>: expression nodes evaluated, projection items and
/// function calls (a machine-independent bound on the work); <see cref="MaxChars"/>: the characters of the values it produces
/// (function results, projections, what multi-selects and `let` copy), counted before they are copied where the size is
/// known in advance (`join`, `pad_left`, `pad_right`, `replace`); <see cref="MaxAllocatedBytes"/>: what the evaluating thread
/// allocated; <see cref="MaxDuration"/> on <see cref="Clock"/> (the system's when null; a test's own clock makes it exact).
/// Defaults: a million steps, 4,000,000 characters and 64 MB, far above what a condition over the bounded context
/// (data ≤ 256 KB, profile ≤ 16 KB) needs, and far below what a hostile one could take without them; and 10 s, a backstop
/// for steps that are each slow (a comparison of two large values): JmesPath.Net takes about a second for a condition that
/// reads a 240 KB context whole a few times on a busy two-core host, so a tighter clock would fail good conditions at random.
/// </summary>
public sealed record ConditionLimits(int MaxSteps, int MaxChars, long MaxAllocatedBytes, TimeSpan MaxDuration, TimeProvider? Clock = null)
{
    public static readonly ConditionLimits Default = new(1_000_000, 4_000_000, 64L << 20, TimeSpan.FromSeconds(10));
}

/// <summary>An evaluation stopped by its budget: <see cref="Limit"/> is "steps", "output", "allocation" or "time".</summary>
public sealed class ConditionLimitException(string limit, string message) : Exception(message)
{
    public string Limit { get; } = limit;
}
