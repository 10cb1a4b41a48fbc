using System.Diagnostics;

namespace NotificationService.Templates;

/// <summary>How long one render may take and how much one part may write. Defaults: 1 s and 1,000,000 characters.
/// <see cref="MaxCompileDuration"/> (default 10 s) is the budget of one compile of a template version (at save, and at
/// its first render in a process); <see cref="TemplateLimits"/> keep a compile far below it.
/// <see cref="Clock"/> measures the time (the system's when null; a test's own clock makes the time limit exact).</summary>
public sealed record RenderLimits(TimeSpan MaxDuration, int MaxPartChars, TimeProvider? Clock = null)
{
    public static readonly RenderLimits Default = new(TimeSpan.FromSeconds(1), 1_000_000);

    public TimeSpan MaxCompileDuration { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>A render stopped by its budget: <see cref="Limit"/> is "time" or "output".</summary>
public sealed class TemplateRenderLimitException(string limit, string message) : Exception(message)
{
    public string Limit { get; } = limit;
}

/// <summary>
/// The budget of the render running on this thread (renders are synchronous). Checked where work happens whether or
/// not anything is written: writes (<see cref="BudgetedWriter"/>, which counts its own) and iterations of `#each`
/// (<see cref="Tick"/>) are units of work, and the clock is read every 64 of each, so a template of nested loops that prints nothing still stops on time instead
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
        deadline = Now(limits) + (long)(limits.MaxDuration.TotalSeconds * (limits.Clock?.TimestampFrequency ?? Stopwatch.Frequency));
        return new Scope(previous.active, previous.deadline);
    }

    private static long Now(RenderLimits limits) => limits.Clock?.GetTimestamp() ?? Stopwatch.GetTimestamp();

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
        if (active is { } limits && Now(limits) > deadline)
            throw new TemplateRenderLimitException("time", $"the render took longer than {limits.MaxDuration.TotalMilliseconds:0} ms");
    }
}

/// <summary>A part's output, refusing to grow past the budget's size on every write; every 64 writes it reads the
/// budget's clock. Handlebars.Net's HTML encoder writes escaped text a character at a time, so this is the hottest
/// code of a render: the writer counts its own writes (a field, where <see cref="RenderBudget.Tick"/> reads two
/// thread-statics, which showed in a profile as __tls_get_addr at about a tenth of our render) and appends to its
/// builder directly (what StringWriter's overrides do after checking that the writer is open; this one is never
/// written after it is disposed).</summary>
internal sealed class BudgetedWriter(System.Text.StringBuilder buffer, string part) : StringWriter(buffer, System.Globalization.CultureInfo.InvariantCulture)
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
        if ((++_writes & 63) == 0) RenderBudget.CheckTime();
    }

    private void TooLong() =>
        throw new TemplateRenderLimitException("output", $"part '{part}' is longer than {_max:N0} characters");
}
