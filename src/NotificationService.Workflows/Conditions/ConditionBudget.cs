using System.Diagnostics;
using DevLab.JmesPath.Expressions;
using Newtonsoft.Json.Linq;

namespace NotificationService.Workflows.Conditions;

/// <summary>
/// The budget of the evaluation running on this thread (JmesPath.Net evaluates synchronously). Each evaluation gets a
/// meter of its own, so nothing is shared between runs, tenants or threads. Charged by <see cref="MeteredExpression"/>
/// (every node) and <see cref="BudgetedFunction"/> (every function call) while the evaluation runs, so a hostile condition
/// stops at the first step past a limit instead of after it built its result. The allocation counter is read on every
/// step (it is a thread-local read); the clock every 64 steps, as the render budget does.
/// </summary>
internal static class ConditionBudget
{
    [ThreadStatic] private static Meter? active;

    public static Scope Start(ConditionLimits limits)
    {
        var previous = active;
        active = new Meter(limits);
        return new Scope(previous);
    }

    public readonly struct Scope(Meter? previous) : IDisposable
    {
        public void Dispose() => active = previous;
    }

    public static void Step(int steps = 1) => active?.Step(steps);

    public static void ChargeChars(long chars) => active?.ChargeChars(chars);

    /// <summary>Charges the characters <paramref name="token"/> would take as JSON, node by node, so a huge value stops
    /// the walk as soon as it is past the limit.</summary>
    public static void Charge(JToken? token)
    {
        if (active is { } meter && token is not null) meter.Charge(token);
    }

    /// <summary>A projection's items: a step each, and the characters each would take once the projection becomes an array
    /// (which the pipe, multi-selects, functions and the result do by copying every item).</summary>
    public static void Charge(JmesPathArgument[] projection)
    {
        if (active is null) return;
        Step(projection.Length);
        foreach (var item in projection)
        {
            if (item.IsProjection) Charge(item.Projection);
            else Charge(item.Token);
        }
    }

    internal sealed class Meter(ConditionLimits limits)
    {
        private readonly long _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        private readonly long _deadline = Now(limits)
            + (long)(limits.MaxDuration.TotalSeconds * (limits.Clock?.TimestampFrequency ?? Stopwatch.Frequency));
        private long _steps;
        private long _chars;

        private static long Now(ConditionLimits limits) => limits.Clock?.GetTimestamp() ?? Stopwatch.GetTimestamp();

        public void Step(int steps)
        {
            var before = _steps;
            _steps += steps;
            if (_steps > limits.MaxSteps)
                throw new ConditionLimitException("steps", $"its evaluation took more than {limits.MaxSteps:N0} steps");
            if (GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart > limits.MaxAllocatedBytes)
                throw new ConditionLimitException("allocation",
                    $"its evaluation allocated more than {limits.MaxAllocatedBytes / (1 << 20):N0} MB");
            if (before >> 6 != _steps >> 6 && Now(limits) > _deadline)
                throw new ConditionLimitException("time", $"its evaluation took longer than {limits.MaxDuration.TotalMilliseconds:0} ms");
        }

        // Reused by every walk of this evaluation: charging must not allocate what it is there to bound.
        private readonly Stack<JToken> _pending = new();

        public void Charge(JToken token)
        {
            _pending.Clear();
            _pending.Push(token);
            while (_pending.TryPop(out var t))
            {
                switch (t)
                {
                    case JProperty p:
                        ChargeChars(p.Name.Length + 3);
                        _pending.Push(p.Value);
                        break;
                    case JContainer c:
                        ChargeChars(2 + c.Count);
                        for (var child = c.First; child is not null; child = child.Next) _pending.Push(child);
                        break;
                    case JValue { Type: JTokenType.String } v:
                        ChargeChars(((string)v.Value!).Length + 2);
                        break;
                    default:
                        ChargeChars(8);
                        break;
                }
            }
        }

        public void ChargeChars(long chars)
        {
            _chars += chars;
            if (_chars > limits.MaxChars)
                throw new ConditionLimitException("output", $"its evaluation produced more than {limits.MaxChars:N0} characters");
        }
    }
}
