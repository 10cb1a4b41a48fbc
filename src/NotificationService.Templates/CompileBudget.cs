using System.Diagnostics;
using System.Linq.Expressions;
using HandlebarsDotNet;

namespace NotificationService.Templates;

/// <summary>A compile stopped by its budget (<see cref="RenderLimits.MaxCompileDuration"/>); reported as the part's
/// <see cref="TemplateError"/> with <see cref="TemplateError.Limit"/> "compileTime".</summary>
internal sealed class TemplateCompileTimeoutException(TimeSpan budget, string? part = null)
    : Exception($"Compiling the template took longer than {budget.TotalMilliseconds:N0} ms.")
{
    public string? Part { get; } = part;

    public TemplateCompileTimeoutException For(string part) => Part is null ? new(budget, part) : this;

    public TemplateError ToError(string defaultPart) => new(Part ?? defaultPart, 0, 0, Message) { Limit = "compileTime" };
}

/// <summary>
/// The budget of the compile running on this thread, as <see cref="RenderBudget"/> is a render's. Handlebars.Net's
/// compiler cannot be cancelled, so the clock is read where its work passes through our code: every tag of the
/// analysis (<see cref="Analysis.SourceWalk"/>) and every block body Handlebars.Net turns into a delegate (it hands each
/// to the environment's expression middleware, <see cref="Deadline"/>). Between two checkpoints the work is bounded by
/// <see cref="TemplateLimits"/>, which keep a whole compile at the limits well under a second: the bounds are the
/// guarantee, the budget the backstop. A nested start (Compile falling back to Validate) keeps the outer deadline.
/// </summary>
internal static class CompileBudget
{
    [ThreadStatic] private static long deadline;
    [ThreadStatic] private static TimeSpan active;

    public static Scope Start(TimeSpan budget)
    {
        if (active != TimeSpan.Zero) return new Scope(outer: false);
        active = budget;
        deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        return new Scope(outer: true);
    }

    public readonly struct Scope(bool outer) : IDisposable
    {
        public void Dispose()
        {
            if (outer) active = TimeSpan.Zero;
        }
    }

    public static void Check()
    {
        if (active != TimeSpan.Zero && Stopwatch.GetTimestamp() > deadline) throw new TemplateCompileTimeoutException(active);
    }

    /// <summary>Reads the budget each time Handlebars.Net compiles a block body; changes nothing.</summary>
    public sealed class Deadline : IExpressionMiddleware
    {
        public Expression<T> Invoke<T>(Expression<T> expression) where T : Delegate
        {
            Check();
            return expression;
        }
    }
}
