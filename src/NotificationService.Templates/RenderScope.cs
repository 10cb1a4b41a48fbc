namespace NotificationService.Templates;

/// <summary>Carries the current render's <see cref="RenderOptions"/> to the helpers.
/// Handlebars.Net helpers are registered once per environment and receive no per-call state of ours,
/// and a render runs synchronously on one thread, so a thread-static slot is both correct and free.</summary>
internal static class RenderScope
{
    [ThreadStatic] private static RenderOptions? current;

    public static RenderOptions? Current => current;

    public static Restorer Use(RenderOptions? options)
    {
        var previous = current;
        current = options;
        return new Restorer(previous);
    }

    public readonly struct Restorer(RenderOptions? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }
}
