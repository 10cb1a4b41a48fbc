namespace NotificationService.Bench.Service;

/// <summary>The topics phase: the fan-out (its own database), then live events (another), each reported on its own if the other fails.</summary>
public static class TopicsPhase
{
    public static async Task<TopicsBenchResult> MeasureAsync(string dll, Func<string, Task<string>> createDatabase, TopicsBenchOptions o)
    {
        TopicFanOutResult? fanOut = null;
        TopicEventsResult? events = null;
        try { fanOut = await TopicsFanOutRun.MeasureAsync(dll, await createDatabase("topics_fanout"), o.Members, o.AcceptSends, o.JitSettleTimeout); }
        catch (Exception e) { Console.Error.WriteLine($"topics: fan-out failed: {e.Message}"); }
        try { events = await TopicsEventsRun.MeasureAsync(dll, await createDatabase("topics_events"), o.Streams, 100, o.EventsDuration); }
        catch (Exception e) { Console.Error.WriteLine($"topics: live events failed: {e.Message}"); }
        return new TopicsBenchResult(fanOut, events);
    }
}
