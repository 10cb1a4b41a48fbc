namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// A clock that moves only when a spec calls <see cref="Advance"/>; timers made on it (Task.Delay, PeriodicTimer) fire
/// then, on the thread pool. With it a spec says "three seconds pass" without waiting three seconds, and "nothing waited
/// for the clock" becomes exact: whatever happens while it stands still did not wait for time.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private readonly List<ManualTimer> _timers = [];
    private TimeSpan _elapsed;

    // A timestamp of 0 means "never" to the processor's cooldown, so this clock starts a day in.
    private static readonly long Origin = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() { lock (_gate) return Origin + _elapsed.Ticks; }
    public override DateTimeOffset GetUtcNow() { lock (_gate) return _start + _elapsed; }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _elapsed += by;
            due = _timers.Where(t => t.DueAt <= _elapsed).ToList();
            foreach (var t in due)
                if (t.Period > TimeSpan.Zero && t.Period != Timeout.InfiniteTimeSpan) t.DueAt = _elapsed + t.Period;
                else _timers.Remove(t);
        }
        foreach (var t in due) ThreadPool.QueueUserWorkItem(_ => t.Fire());
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public TimeSpan DueAt;
        public TimeSpan Period;

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                Period = period;
                if (dueTime == Timeout.InfiniteTimeSpan) return true;
                if (dueTime <= TimeSpan.Zero) { ThreadPool.QueueUserWorkItem(_ => Fire()); if (period <= TimeSpan.Zero || period == Timeout.InfiniteTimeSpan) return true; dueTime = period; }
                DueAt = clock._elapsed + dueTime;
                clock._timers.Add(this);
            }
            return true;
        }

        public void Dispose() { lock (clock._gate) clock._timers.Remove(this); }
        public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }
    }
}
