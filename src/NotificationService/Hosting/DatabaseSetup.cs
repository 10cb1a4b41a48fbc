using Microsoft.EntityFrameworkCore;
using Npgsql;
using NotificationService.Infrastructure;
using NotificationService.Postgres;

namespace NotificationService.Hosting;

/// <summary>
/// Finds the database: `ConnectionStrings:Postgres` when configured, otherwise the embedded default
/// (a private cluster in the folder <see cref="EmbeddedDataDirectory"/> chooses). Registers the
/// NpgsqlDataSource (raw SQL on hot paths) and the EF Core context (CRUD).
/// </summary>
public static class DatabaseSetup
{
    /// <summary>`Database:MaxPoolSize` when the connection string does not size the pool itself.</summary>
    public const int DefaultMaxPoolSize = 20;

    public static async Task AddDatabaseAsync(this WebApplicationBuilder builder, CancellationToken ct = default)
    {
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDir = EmbeddedDataDirectory.Resolve(builder.Configuration, AppContext.BaseDirectory);
            // The local secrets key lives beside the cluster (SecretProtector): the same folder wherever the binary runs from.
            builder.Configuration["Postgres:DataDirectory"] = dataDir.Path;
            builder.Services.AddSingleton(dataDir);
            EmbeddedPostgres cluster;
            try
            {
                cluster = await EmbeddedPostgres.StartAsync(dataDir.Path, ct: ct);
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

        var maxPoolSize = builder.Configuration.GetValue("Database:MaxPoolSize", DefaultMaxPoolSize);
        var poolName = DatabasePoolName.ForNewHost();
        var dataSource = new NpgsqlDataSourceBuilder(ServiceConnectionString(connectionString, maxPoolSize)) { Name = poolName.Value }
            .EnableDynamicJson().Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton(poolName);
        // Stores are singletons (caches and workers use them), so each operation takes a short-lived context from the factory.
        builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseNpgsql(dataSource));
        builder.Services.AddSingleton<DatabaseMigrations>();
    }

    /// <summary>The one line that says where the embedded cluster lives (logged by `serve`, on stderr for commands).</summary>
    public static string EmbeddedLine(EmbeddedPostgres cluster, EmbeddedDataDirectory where) =>
        $"no ConnectionStrings__Postgres configured: using embedded PostgreSQL in {cluster.DataDirectory} "
            + $"on 127.0.0.1:{cluster.Port} ({where.Why})";

    /// <summary>How many statements each connection keeps prepared (Npgsql's automatic preparation) when the connection
    /// string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 100;

    /// <summary>
    /// The service's sessions: JIT off, statements prepared automatically, and a bounded pool, each unless the connection
    /// string says otherwise. Prepared: every statement is raw SQL sent as text, so without it PostgreSQL parsed and
    /// planned each one on every call (the claim, the ledger's updates, an accept's insert); a statement run twice on a
    /// connection is prepared there and later calls skip both (BENCHMARKS.md, "Prepared statements"). Behind a pooler
    /// that cannot keep prepared statements (PgBouncer in transaction mode before 1.21), set `Max Auto Prepare=0`. PostgreSQL's JIT
    /// compiled the fair-claim query on every call (its row estimate crosses jit_above_cost) and cost 27 ms of a 30 ms
    /// claim. The pool: bursts (10,000 streams connecting, 64 at a time) grew Npgsql's default pool of 100 to ~70
    /// backends, and statements then rotated over all of them, each backend with its own cold caches; at most
    /// <paramref name="maxPoolSize"/> cost PostgreSQL ~15 % less CPU per send (BENCHMARKS.md, "Live stream, fourth pass").
    /// </summary>
    public static string ServiceConnectionString(string connectionString, int maxPoolSize)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        csb.Options = string.IsNullOrEmpty(csb.Options) ? "-c jit=off" : $"{csb.Options} -c jit=off";
        if (!Sets(connectionString, PoolSizeKeys)) csb.MaxPoolSize = maxPoolSize;
        if (!Sets(connectionString, AutoPrepareKeys))
        {
            csb.MaxAutoPrepare = DefaultMaxAutoPrepare;
            csb.AutoPrepareMinUsages = 2;
        }
        return csb.ConnectionString;
    }

    private static readonly HashSet<string> PoolSizeKeys = new(["MaximumPoolSize", "MaxPoolSize"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> AutoPrepareKeys = new(["MaxAutoPrepare"], StringComparer.OrdinalIgnoreCase);

    /// <summary>An operator's own setting (any of Npgsql's spellings of <paramref name="keys"/>) wins over the service's default.</summary>
    private static bool Sets(string connectionString, HashSet<string> keys)
    {
        var raw = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return raw.Keys.Cast<string>().Select(k => k.Replace(" ", "")).Any(keys.Contains);
    }
}

/// <summary>Every migration the service knows: the queue's (1–99) and the service's own (100+).</summary>
public sealed class DatabaseMigrations(NpgsqlDataSource db, ILogger<DatabaseMigrations> log)
{
    public static IReadOnlyList<Migration> All { get; } =
        [.. Migration.FromAssembly(typeof(Queue.JobQueue).Assembly), .. Migration.FromAssembly(typeof(DatabaseMigrations).Assembly)];

    public Task<IReadOnlyList<Migration>> ApplyAsync(CancellationToken ct) =>
        Migrator.ApplyAsync(db, All, m => log.LogInformation("{Migration}", m), ct, Features.Operations.Jobs.JobsSchema.InstallAsync);

    public Task<IReadOnlyList<int>> PendingAsync(CancellationToken ct) => Migrator.PendingAsync(db, All, ct);
}
