using System.Diagnostics;

namespace NotificationService.Templates;

/// <summary>How long one render may take and how much one part may write. Defaults: 1 s and 1,000,000 characters.</summary>
public sealed record RenderLimits(TimeSpan MaxDuration, int MaxPartChars)
{
    public static readonly RenderLimits Default = new(TimeSpan.FromSeconds(1), 1_000_000);
}

/// <summary>A render stopped by its budget: <see cref="Limit"/> is "time" or "output".</summary>
public sealed class TemplateRenderLimitException(string limit, string message) : Exception(message)
{
    public string Limit { get; } = limit;
}

/// <summary>
/// The budget of the render running on this thread (renders are synchronous). Checked where work happens whether or
/// not anything is written: writes (<see cref="BudgetedWriter"/>) and iterations of `#each` are units of work, and
/// the clock is read every 64 of them, so a template of nested loops that prints nothing still stops on time instead
/// of keeping a core busy. Reading it on every write cost about a third of a render (TemplateBench, ~300 writes each).
/// </summary>
internal static class RenderBudget
{
    [ThreadStatic] private static long deadline;
    [ThreadStatic] private static int ticks;
    [ThreadStatic] private static RenderLimits? active;

    public static Scope Start(RenderLimits limits)
    {
        var previous = (active, deadline);
        active = limits;
        deadline = Stopwatch.GetTimestamp() + (long)(limits.MaxDuration.TotalSeconds * Stopwatch.Frequency);
        return new Scope(previous.active, previous.deadline);
    }

    public readonly struct Scope(RenderLimits? previous, long previousDeadline) : IDisposable
    {
        public void Dispose() => (active, deadline) = (previous, previousDeadline);
    }

    public static int MaxPartChars => active?.MaxPartChars ?? int.MaxValue;

    /// <summary>One unit of work (an iteration); the clock is read every 64.</summary>
    public static void Tick()
    {
        if (active is null || (++ticks & 63) != 0) return;
        CheckTime();
    }

    public static void CheckTime()
    {
        if (active is { } limits && Stopwatch.GetTimestamp() > deadline)
            throw new TemplateRenderLimitException("time", $"the render took longer than {limits.MaxDuration.TotalMilliseconds:0} ms");
    }
}

/// <summary>A part's output, refusing to grow past the budget's size on every write; each write is a unit of work
/// for the budget's clock.</summary>
internal sealed class BudgetedWriter(System.Text.StringBuilder buffer, string part) : StringWriter(buffer, System.Globalization.CultureInfo.InvariantCulture)
{
    private readonly int _max = RenderBudget.MaxPartChars;

    public override void Write(char value)
    {
        Grow(1);
        base.Write(value);
    }

    public override void Write(string? value)
    {
        Grow(value?.Length ?? 0);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Grow(count);
        base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Grow(buffer.Length);
        base.Write(buffer);
    }

    private void Grow(int chars)
    {
        if (GetStringBuilder().Length + chars > _max)
            throw new TemplateRenderLimitException("output", $"part '{part}' is longer than {_max:N0} characters");
        RenderBudget.Tick();
    }
}
