using System.Diagnostics;

namespace NotificationService.Templates;

/// <summary>How much work one render may do and how much one part may write. <see cref="MaxSteps"/> (default 10,000,000
/// loop iterations and writes) is the budget that judges the template: the same on a busy host and a quiet one.
/// <see cref="MaxDuration"/> (default 30 s) is only a backstop for work the steps do not count, read every
/// <see cref="RenderBudget.StepsPerClockReading"/> steps, so a render of a few thousand steps never reads a clock at all.
/// <see cref="MaxCompileDuration"/> (default 10 s) is the budget of one compile of a template version (at save, and at
/// its first render in a process); <see cref="TemplateLimits"/> keep a compile far below it.
/// <see cref="Clock"/> measures the time (the system's when null; a test's own clock makes the time limit exact).</summary>
public sealed record RenderLimits(TimeSpan MaxDuration, int MaxPartChars, TimeProvider? Clock = null)
{
    public static readonly RenderLimits Default = new(TimeSpan.FromSeconds(30), 1_000_000);

    public long MaxSteps { get; init; } = 10_000_000;

    public TimeSpan MaxCompileDuration { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>A render stopped by its budget: <see cref="Limit"/> is "steps", "output" or "time".</summary>
public sealed class TemplateRenderLimitException(string limit, string message) : Exception(message)
{
    public string Limit { get; } = limit;
}

/// <summary>
/// The budget of the render running on this thread (renders are synchronous), counted in steps of the template's own
/// work where that work happens, whether or not anything is written: iterations of `#each` (<see cref="Tick"/>) and
/// writes (<see cref="BudgetedWriter"/>, which counts its own and reports them 64 at a time). A template of nested loops
/// that prints nothing stops at <see cref="RenderLimits.MaxSteps"/> however fast or busy the host is; a wall clock
/// judged the host instead (a normal 100-item loop failed for good on two busy cores). The clock stays as a backstop,
/// read every <see cref="StepsPerClockReading"/> steps. Reading it on every write cost about a third of a render.
/// </summary>
internal static class RenderBudget
{
    public const int StepsPerClockReading = 4096;

    [ThreadStatic] private static long deadline;
    [ThreadStatic] private static long steps;
    [ThreadStatic] private static long nextClockReading;
    [ThreadStatic] private static RenderLimits? active;

    public static Scope Start(RenderLimits limits)
    {
        var previous = new Scope(active, deadline, steps, nextClockReading);
        (active, steps, nextClockReading) = (limits, 0, StepsPerClockReading);
        deadline = Now(limits) + (long)(limits.MaxDuration.TotalSeconds * (limits.Clock?.TimestampFrequency ?? Stopwatch.Frequency));
        return previous;
    }

    private static long Now(RenderLimits limits) => limits.Clock?.GetTimestamp() ?? Stopwatch.GetTimestamp();

    public readonly struct Scope(RenderLimits? previous, long previousDeadline, long previousSteps, long previousReading) : IDisposable
    {
        public void Dispose() => (active, deadline, steps, nextClockReading) = (previous, previousDeadline, previousSteps, previousReading);
    }

    public static int MaxPartChars => active?.MaxPartChars ?? int.MaxValue;

    /// <summary>One step of work (an iteration).</summary>
    public static void Tick() => Add(1);

    /// <summary><paramref name="count"/> steps of work done; stops the render past its steps, or past the backstop's time.</summary>
    public static void Add(int count)
    {
        if (active is not { } limits) return;
        if ((steps += count) > limits.MaxSteps)
            throw new TemplateRenderLimitException("steps",
                $"the render took more than {limits.MaxSteps:N0} steps (loop iterations and writes)");
        if (steps < nextClockReading) return;
        nextClockReading = steps + StepsPerClockReading;
        if (Now(limits) > deadline)
            throw new TemplateRenderLimitException("time", $"the render took longer than {limits.MaxDuration.TotalMilliseconds:0} ms");
    }
}

/// <summary>A part's output, refusing to grow past the budget's size on every write; every 64 writes it adds them to
/// the budget's steps. Handlebars.Net's HTML encoder writes escaped text a character at a time, so this is the hottest
/// code of a render: the writer counts its own writes (a field, where <see cref="RenderBudget.Tick"/> reads two
/// thread-statics, which showed in a profile as __tls_get_addr at about a tenth of our render) and appends to its
/// builder directly (what StringWriter's overrides do after checking that the writer is open; this one is never
/// written after it is disposed).</summary>
internal sealed class BudgetedWriter(System.Text.StringBuilder buffer, string part)
    : StringWriter(buffer, System.Globalization.CultureInfo.InvariantCulture)
{
    private readonly System.Text.StringBuilder _buffer = buffer;
    private readonly int _max = RenderBudget.MaxPartChars;
    private int _writes;

    public override void Write(char value)
    {
        Grow(1);
        _buffer.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        Grow(value.Length);
        _buffer.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Grow(count);
        _buffer.Append(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Grow(buffer.Length);
        _buffer.Append(buffer);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Grow(int chars)
    {
        if (_buffer.Length + chars > _max) TooLong();
        if ((++_writes & 63) == 0) RenderBudget.Add(64);
    }

    private void TooLong() =>
        throw new TemplateRenderLimitException("output", $"part '{part}' is longer than {_max:N0} characters");
}
