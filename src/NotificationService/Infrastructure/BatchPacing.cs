using System.Diagnostics;

namespace NotificationService.Infrastructure;

/// <summary>
/// How a background job that works in batches (an erase, a tenant's deletion) stays beside normal traffic: after a batch
/// that took t it rests t × (1 − share) / share, and at least <see cref="AtLeast"/>, so its batches take at most
/// <see cref="Share"/> of its time. On a loaded database batches are slower, so the job backs off by itself.
/// </summary>
public sealed record BatchPacing(double Share, TimeSpan AtLeast)
{
    /// <summary>
    /// Rest per unit of busy time: 0.25 rests three times a batch's time; 1 (or more) only <see cref="AtLeast"/>. A share
    /// of 0 or less is read as one per cent rather than never finishing.
    /// </summary>
    public double RestPerBusy => Share >= 1 || double.IsNaN(Share) ? 0 : (1 - Math.Max(Share, 0.01)) / Math.Max(Share, 0.01);

    /// <summary>The rest after a batch that started at <paramref name="startedTimestamp"/>
    /// (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public TimeSpan RestAfter(long startedTimestamp) =>
        TimeSpan.FromTicks(Math.Max(AtLeast.Ticks, (long)(Stopwatch.GetElapsedTime(startedTimestamp).Ticks * RestPerBusy)));

    /// <summary>Rests after the batch, if there is anything to rest for.</summary>
    public Task RestAfterAsync(long startedTimestamp, CancellationToken ct) =>
        RestAfter(startedTimestamp) is var rest && rest > TimeSpan.Zero ? Task.Delay(rest, ct) : Task.CompletedTask;
}
