using NotificationService.Hosting;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// `Digests:DigestedRunsDelaySeconds` (120): how long after a window closes the runs its digest carried end `digested`.
/// Windows close in bursts (every recipient's daily digest at 09:00 in one time zone, the top of the hour), and a window
/// of 100 events leaves 99 runs to end: done at once, that bookkeeping took the workers' batch slots beside the closes
/// and sends, and the digests themselves went seconds late (p99 2.5 s from a window's end to its provider call for
/// 10,000 windows in one minute; 1.3-1.8 s with it deferred; docs/decisions/digests-and-throttles.md). Nothing reads a
/// digested run's end but its own status and timeline, which say it a little later. 0 ends them at once (specs).
/// </summary>
public sealed record DigestOptions(TimeSpan DigestedRunsDelay)
{
    public static DigestOptions From(IConfiguration config)
    {
        var seconds = config.GetValue("Digests:DigestedRunsDelaySeconds", 120.0);
        if (seconds is < 0 or > 3600) throw new InvalidConfigurationException("Digests:DigestedRunsDelaySeconds must be 0 to 3600.");
        return new DigestOptions(TimeSpan.FromSeconds(seconds));
    }
}
