using System.Runtime.CompilerServices;

namespace NotificationService.Templates;

/// <summary>
/// Defence in depth for a render. <see cref="TemplateLimits"/> bound how deep one template nests, but a partial that calls
/// itself through a computed name (<c>{{&gt; (lookup . 'next')}}</c>) nests as deep as its data lets it: Handlebars.Net
/// stops it at 100 calls, each with up to 64 levels of the partial's own blocks, and every partial call also looks its
/// name up through all the frames above it in a recursion of its own. Where a render passes through our code on the way
/// down (each <c>#each</c>, <c>#with</c>, section and computed partial name) it measures how much stack the render has
/// used since it began and stops at <see cref="MaxRenderStackBytes"/>, far more than any template within the limits
/// needs (64 levels take a few tens of KB) and a fraction of a worker thread's 1.5 MB, so that the unchecked stretches
/// between two checkpoints always fit. (<see cref="RuntimeHelpers.EnsureSufficientExecutionStack"/> alone was not
/// enough: it leaves ~64 KB, and the name look-up of a partial at 6,000 frames deep needs more; a thread of 1 MB
/// overflowed.) The engine reports the stop as the render limit "depth": a process never dies of a template's stack.
/// </summary>
internal static unsafe class StackGuard
{
    public const int MaxRenderStackBytes = 256 * 1024;

    [ThreadStatic] private static nint renderStart;

    /// <summary>Marks where a render's stack begins (nested renders keep the outermost mark).</summary>
    public static Scope Begin()
    {
        if (renderStart != 0) return new Scope(owner: false);
        byte here = 0;
        renderStart = (nint)(&here);
        return new Scope(owner: true);
    }

    public readonly struct Scope(bool owner) : IDisposable
    {
        public void Dispose()
        {
            if (owner) renderStart = 0;
        }
    }

    public static void Ensure()
    {
        byte here = 0;
        if (renderStart != 0 && renderStart - (nint)(&here) > MaxRenderStackBytes)
            throw new InsufficientExecutionStackException($"The render used more than {MaxRenderStackBytes / 1024} KB of stack.");
        RuntimeHelpers.EnsureSufficientExecutionStack();
    }
}
