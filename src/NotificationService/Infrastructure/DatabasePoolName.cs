namespace NotificationService.Infrastructure;

/// <summary>
/// The diagnostics name of this host's connection pool, which Npgsql puts on its pool metrics. Npgsql would otherwise
/// name a pool by its connection string, so two hosts of one process on the same database (the test suite's replicas)
/// would report under one name and their figures add up. The first host of a process is `notification-service`, as a
/// deployment sees it; later ones get a number.
/// </summary>
public sealed record DatabasePoolName(string Value)
{
    private static int _hosts;

    public static DatabasePoolName ForNewHost() =>
        Interlocked.Increment(ref _hosts) is var n && n == 1 ? new("notification-service") : new($"notification-service#{n}");
}
