namespace NotificationService.Bench;

/// <summary>
/// The phases' fixed waits: warm-ups, lead-ins, settles and pauses between rounds. At smoke size each is cut to a
/// quarter of a second and repeated rounds to one: the smoke proves that every step runs, its figures mean nothing,
/// so waiting for a steady state buys it nothing (and the smoke spec is the longest in the suite). At every other
/// size a wait is what the phase asked for.
/// </summary>
public static class Waits
{
    private const double SmokeSeconds = 0.25;

    /// <summary>Set once from <c>--smoke</c> before any phase runs.</summary>
    public static bool Smoke { get; set; }

    public static TimeSpan Seconds(double wanted) => Smoke ? TimeSpan.FromSeconds(Math.Min(wanted, SmokeSeconds)) : TimeSpan.FromSeconds(wanted);

    /// <summary>Rounds a phase repeats to take a median: one at smoke size.</summary>
    public static int Rounds(int wanted) => Smoke ? 1 : wanted;
}
