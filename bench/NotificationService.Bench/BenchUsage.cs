namespace NotificationService.Bench;

/// <summary>
/// `--help`, and the check that every argument is one the bench knows: an unknown one (a typo, or `--help` before this
/// existed) used to be ignored and start a full run of twenty minutes.
/// </summary>
public static class BenchUsage
{
    private static readonly string[] Flags = ["--smoke", "--quick", "--sse-settle"];

    private static readonly string[] Valued = ["--only", "--ab", "--rounds", "--repeat", "--service-dll", "--service-env", "--pg-setting", "--bulk-rows", "--provider-messages",
        "--retention-rows", "--sse-connections", "--inbox-clients", "--identify-profiles", "--erase-notifications", "--delete-notifications", "--delete-profiles", "--topic-members",
        "--topic-streams", "--topic-event-seconds", "--console-rows", "--dispatch-jobs"];

    public static string Text => $"""
        usage: NotificationService.Bench [size] [--only PHASE,...] [--repeat N] [--ab GIT-REF [--rounds N]] [options]

        Starts its own PostgreSQL cluster, measures its ceilings, then runs the service's phases against them and writes
        bench/results/latest*.md. Every figure is a ratio to a ceiling of the same run.

        size        (none) full size, about 20 minutes; --quick a few minutes; --smoke the least that runs every step
        --only      the ceilings plus these phases: {string.Join(", ", BenchOptions.Phases)}
        --ab REF    also build the service at git REF and alternate rounds of each phase between the two (--rounds N per side);
                    a difference is called only outside both builds' spread over their rounds
        --repeat N  N rounds of each selected phase (per side with --ab), ceilings between them; every figure's min/median/max
        --service-dll PATH       run this build of the service instead of building the working tree
        --service-env NAME=VALUE set in every service process (repeatable), e.g. a runtime setting under trial
        --pg-setting NAME=VALUE  a setting of the bench's PostgreSQL cluster (repeatable), e.g. shared_buffers=2GB
        sizes       --bulk-rows --provider-messages --retention-rows --sse-connections --inbox-clients --console-rows --dispatch-jobs
                    --identify-profiles --erase-notifications --delete-notifications --delete-profiles --topic-members --topic-streams --topic-event-seconds (N each)
        --sse-settle induce a full collection in the service after its streams opened
        """;

    /// <summary>The first argument the bench does not know, or null.</summary>
    public static string? Unknown(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (Valued.Contains(args[i])) { i++; continue; }
            if (!Flags.Contains(args[i])) return args[i];
        }
        return null;
    }
}
