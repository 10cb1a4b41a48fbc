using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Automation.Workflows;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The run page's live timeline (`?handler=Timeline&amp;after=n`): the lines after the first <c>n</c>, the run's state, and
/// whether it has ended. The timeline only grows (its start, then the transitions' lines in order), so a count is where
/// the page left off. workflow-run.js asks every second while the run goes on and stops once it has ended.
/// </summary>
public sealed partial class WorkflowRunModel
{
    public sealed record TimelineLine(string? StepId, string What, string? Detail, Guid[]? NotificationIds, DateTimeOffset At, string Time);

    public sealed record TimelineNews(string State, string? Reason, bool Ended, IReadOnlyList<TimelineLine> Lines);

    /// <summary>Whether the run can still move (its page follows it live).</summary>
    public static bool Going(RunView run) => run.State is "running" or "waiting";

    /// <summary>A line's time as the page shows it.</summary>
    public static string TimeOf(DateTimeOffset at) => at.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetTimelineAsync(Guid id, int after, CancellationToken ct)
    {
        if (await runs.GetAsync(TenantId, id, ct) is not { } run) return NotFound();
        var lines = run.Timeline.Skip(Math.Max(after, 0))
            .Select(e => new TimelineLine(e.StepId, e.What, e.Detail, e.NotificationIds, e.At, TimeOf(e.At)));
        return new JsonResult(new TimelineNews(run.State, run.Reason, !Going(run), [.. lines]));
    }
}
