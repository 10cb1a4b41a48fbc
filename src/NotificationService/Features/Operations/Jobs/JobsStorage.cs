using Hangfire.PostgreSql;
using Npgsql;

namespace NotificationService.Features.Operations.Jobs;

/// <summary>
/// Hangfire's connections: a pool of their own (`Jobs:MaxPoolSize`, default 10) on the service's database, so its
/// polling, heartbeats and locks never take a connection a request or a queue worker is waiting for.
/// </summary>
public sealed class JobsConnections(NpgsqlDataSource pool) : IConnectionFactory, IDisposable
{
    public static JobsConnections For(IConfiguration config)
    {
        var csb = new NpgsqlConnectionStringBuilder(config.GetConnectionString("Postgres"))
        {
            MaxPoolSize = Math.Max(2, config.GetValue("Jobs:MaxPoolSize", 10)),
            ApplicationName = "notification-service-jobs",
            Enlist = false,
        };
        return new JobsConnections(new NpgsqlDataSourceBuilder(csb.ConnectionString) { Name = "jobs" }.Build());
    }

    public NpgsqlConnection GetOrCreateConnection() => pool.OpenConnection();

    public void Dispose() => pool.Dispose();
}

/// <summary>How Hangfire.PostgreSql is tuned here (its documentation's advice for a few long jobs, not many short ones).</summary>
public static class JobsStorageOptions
{
    public static PostgreSqlStorageOptions From(IConfiguration config) => new()
    {
        SchemaName = JobsSchema.Name,
        PrepareSchemaIfNecessary = false,            // the migrator installs it (JobsSchema)
        // A job's fetch is a lease extended while it runs: a killed worker's job returns after the timeout, a long deletion
        // keeps its lease by heartbeat however long it runs.
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = TimeSpan.FromMinutes(config.GetValue("Jobs:InvisibilityMinutes", 5.0)),
        QueuePollInterval = TimeSpan.FromSeconds(config.GetValue("Jobs:QueuePollSeconds", 5.0)),
        EnableLongPolling = true,                    // LISTEN/NOTIFY wakes a fetch at once; the poll is the safety net
        JobExpirationCheckInterval = TimeSpan.FromMinutes(30),
        DistributedLockTimeout = TimeSpan.FromMinutes(1),
    };
}
