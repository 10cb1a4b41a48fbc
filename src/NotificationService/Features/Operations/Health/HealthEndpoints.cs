using Npgsql;
using NotificationService.Hosting;

namespace NotificationService.Features.Operations.Health;

/// <summary>`/health/live`: the process answers. `/health/ready`: PostgreSQL answers, migrations are applied, workers run.</summary>
public static class HealthEndpoints
{
    public static IServiceCollection AddHealth(this IServiceCollection services) => services;

    public static void MapHealth(this WebApplication app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new HealthStatus("live"))).ExcludeFromDescription();
        app.MapGet(HealthCheckTarget.ReadyPath, ReadyAsync).ExcludeFromDescription();   // the path `health` checks
    }

    private static async Task<IResult> ReadyAsync(IServiceProvider sp, NpgsqlDataSource db, DatabaseMigrations migrations,
        StartupTasks startup, IConfiguration config, CancellationToken ct)
    {
        var checks = new Dictionary<string, string>();
        try
        {
            await using var cmd = db.CreateCommand("select 1");
            await cmd.ExecuteScalarAsync(ct);
            checks["postgres"] = "ok";
            var pending = await migrations.PendingAsync(ct);
            checks["migrations"] = pending.Count == 0 ? "ok" : $"pending: {string.Join(", ", pending)}";
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or TimeoutException)
        {
            checks["postgres"] = $"unreachable: {e.GetType().Name}";
        }
        checks["startup"] = startup.Completed ? "ok" : "running";
        if (ServiceMode.RunsWorkers(config))
            checks["workers"] = sp.GetService<QueueWorkerService>()?.IsRunning == true ? "ok" : "not running";
        var ready = checks.Values.All(v => v == "ok");
        return Results.Json(new { status = ready ? "ready" : "not ready", checks }, statusCode: ready ? 200 : 503);
    }
}

/// <summary>The liveness answer.</summary>
public sealed record HealthStatus(string Status);
