namespace NotificationService.Tests.Shared;

/// <summary>
/// The one poll for tests that watch something from outside (an HTTP status, a table, a fake provider's log): it
/// checks at once, then every few milliseconds until the condition holds or the deadline passes, and a timeout says
/// what it was waiting for and what it last saw. Where the code under test raises an event (the ledger's observers,
/// the queue's events, a loop's progress signal), wait on that instead.
/// </summary>
public static class Eventually
{
    // Patience, not a speed: a poll ends as soon as its condition holds, so a long timeout costs nothing on a quick machine
    // and keeps a loaded one (several test projects at once on two cores) from failing a spec that was only slow.
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds for its value, and returns that value.</summary>
    public static async Task<T> Async<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s for {what}; last saw: {Describe(value)}");
            await Task.Delay(20);
        }
    }

    public static Task Async(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) => Async(condition, ok => ok, what, timeout);

    public static Task Async(Func<bool> condition, string what, TimeSpan? timeout = null) => Async(() => Task.FromResult(condition()), ok => ok, what, timeout);

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Take(20)) + "]",
        _ => value.ToString() ?? "",
    };
}
