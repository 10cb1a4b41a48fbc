using Microsoft.EntityFrameworkCore;
using Npgsql;
using NotificationService.Infrastructure;
using NotificationService.Postgres;

namespace NotificationService.Hosting;

/// <summary>
/// Finds the database: `ConnectionStrings:Postgres` when configured, otherwise the embedded default
/// (a private cluster under `Postgres:DataDirectory`, default `.data/postgres`). Registers the
/// NpgsqlDataSource (raw SQL on hot paths) and the EF Core context (CRUD).
/// </summary>
public static class DatabaseSetup
{
    public static async Task AddDatabaseAsync(this WebApplicationBuilder builder, CancellationToken ct = default)
    {
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDir = builder.Configuration["Postgres:DataDirectory"] ?? Path.Combine(".data", "postgres");
            EmbeddedPostgres cluster;
            try
            {
                cluster = await EmbeddedPostgres.StartAsync(dataDir, ct: ct);
            }
            catch (PostgresUnavailableException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                throw;
            }
            connectionString = cluster.ConnectionString;
            // Registered through a factory so that the container owns it: disposing the host stops the cluster (unless it was
            // already running when we started: EmbeddedPostgres then leaves it be). An instance registration is never disposed.
            builder.Services.AddSingleton(_ => cluster);
            builder.Configuration["ConnectionStrings:Postgres"] = connectionString;
            builder.Configuration["Postgres:Embedded"] = "true";
        }

        var dataSource = new NpgsqlDataSourceBuilder(WithoutJit(connectionString)).EnableDynamicJson().Build();
        builder.Services.AddSingleton(dataSource);
        // Stores are singletons (caches and workers use them), so each operation takes a short-lived context from the factory.
        builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseNpgsql(dataSource));
        builder.Services.AddSingleton<DatabaseMigrations>();
    }

    /// <summary>The one line that says where the embedded cluster lives (logged by `serve`, on stderr for commands).</summary>
    public static string EmbeddedLine(EmbeddedPostgres cluster) =>
        $"no ConnectionStrings__Postgres configured: using embedded PostgreSQL in {cluster.DataDirectory} on 127.0.0.1:{cluster.Port}";

    /// <summary>
    /// The service runs short OLTP statements; PostgreSQL's JIT compiled the fair-claim query on every
    /// call (its row estimate crosses jit_above_cost) and cost 27 ms of a 30 ms claim. Off for our sessions.
    /// </summary>
    public static string WithoutJit(string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        csb.Options = string.IsNullOrEmpty(csb.Options) ? "-c jit=off" : $"{csb.Options} -c jit=off";
        return csb.ConnectionString;
    }
}

/// <summary>Every migration the service knows: the queue's (1–99) and the service's own (100+).</summary>
public sealed class DatabaseMigrations(NpgsqlDataSource db, ILogger<DatabaseMigrations> log)
{
    public static IReadOnlyList<Migration> All { get; } =
        [.. Migration.FromAssembly(typeof(Queue.JobQueue).Assembly), .. Migration.FromAssembly(typeof(DatabaseMigrations).Assembly)];

    public Task<IReadOnlyList<Migration>> ApplyAsync(CancellationToken ct) =>
        Migrator.ApplyAsync(db, All, m => log.LogInformation("{Migration}", m), ct);

    public Task<IReadOnlyList<int>> PendingAsync(CancellationToken ct) => Migrator.PendingAsync(db, All, ct);
}
