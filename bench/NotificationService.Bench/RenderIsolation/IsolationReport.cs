using System.Text;

namespace NotificationService.Bench.RenderIsolation;

/// <summary>The render-isolation rows: bodies compared and how many differed (the requirement: none, over ≥ 100,000), and the rate.</summary>
public static class IsolationReport
{
    public const long TargetBodies = 100_000;

    public static void Rows(StringBuilder sb, IsolationResult r)
    {
        var run = $"{r.Tenants} tenants, same template key, {r.ClientsPerTenant} clients each posting send-batch ({r.RecipientsPerRequest} recipients), Mode=all";
        // --quick and --smoke send fewer on purpose: there every planned body arriving is what is checked.
        var full = r.Planned >= TargetBodies;
        Report.Row(sb, $"render isolation through the API: bodies received and compared with the same render done alone, {run}",
            r.Compared, null, full ? $"≥ {TargetBodies:N0}, every one sent" : $"all {r.Planned:N0} sent (full size: ≥ {TargetBodies:N0})", r.Compared == r.Planned);
        Report.Row(sb, "render isolation: bodies that differ from their render done alone", r.Differences, null, "0", r.Differences == 0);
        Report.Row(sb, "render isolation: first send → last body received (bodies/s)", r.BodiesPerSec, null, "", null);
        if (r.Load is not { } load) return;
        var target = load.Renders >= TargetLoadRenders ? "0" : $"0 (full size: {TargetLoadRenders:N0} renders)";
        Report.Row(sb, $"render under full CPU load: render_limit failures in {load.Renders:N0} renders of a 100-item loop, default budget, " +
            $"{load.RenderThreads} render + {load.BusyThreads} spinning threads", load.LimitFailures, null, target, load.LimitFailures == 0);
        Report.Row(sb, "render under full CPU load: renders that printed something else", load.Differences, null, "0", load.Differences == 0);
    }

    public const long TargetLoadRenders = 1_000_000;

    public static void Details(StringBuilder sb, IsolationResult r)
    {
        sb.AppendLine($"- Render isolation: {r.Planned:N0} bodies planned, {r.Compared:N0} received and compared, {r.Differences:N0} differ, " +
                      $"{r.NotSent:N0} notifications not sent, {r.Repeated:N0} repeated deliveries, {r.Unknown:N0} emails to other addresses, " +
                      $"{r.SendToLastBody.TotalSeconds:0.0} s from the first send to the last body.");
        foreach (var d in r.FirstDifferences) sb.AppendLine($"  - differs: {d}");
        if (r.Load is { } load)
            sb.AppendLine($"- Render under load: {load.Renders:N0} renders in {load.Elapsed.TotalSeconds:0.0} s ({load.RendersPerSec:N0}/s) on " +
                          $"{load.RenderThreads} threads beside {load.BusyThreads} spinning ones: " +
                          $"{load.LimitFailures:N0} render_limit, {load.Differences:N0} different.");
    }
}
