using System.Text;

namespace NotificationService.Templates;

/// <summary>One StringBuilder per thread for rendering a part. A fresh StringWriter starts at 16 characters
/// and grows a chunk at a time (eight chunks for a 2 KB email, copied again by ToString); a reused builder
/// already has room. Renders are synchronous, and a builder in use is taken out of the slot, so a nested
/// or re-entrant render simply gets a new one. Builders that grew past <see cref="MaxKeptCapacity"/> are
/// dropped so one huge message does not pin its memory to the thread.</summary>
internal static class RenderBuffer
{
    private const int MaxKeptCapacity = 64 * 1024;
    [ThreadStatic] private static StringBuilder? cached;

    public static StringBuilder Rent()
    {
        var builder = cached ?? new StringBuilder(1024);
        cached = null;
        return builder;
    }

    public static void Return(StringBuilder builder)
    {
        if (builder.Capacity > MaxKeptCapacity) return;
        builder.Clear();
        cached = builder;
    }
}
