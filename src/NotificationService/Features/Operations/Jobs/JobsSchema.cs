using Hangfire.PostgreSql;
using Npgsql;

namespace NotificationService.Features.Operations.Jobs;

/// <summary>
/// Hangfire's tables live in their own schema of the service's database, installed by the service's migrator under its
/// advisory lock (Hangfire.PostgreSql's own versioned script, which skips what is already installed), never by a
/// process's first use: replicas starting together never race, and `migrate` prepares a deployment in one step.
/// </summary>
public static class JobsSchema
{
    public const string Name = "hangfire";

    public static Task InstallAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        PostgreSqlObjectsInstaller.Install(conn, Name);
        return Task.CompletedTask;
    }
}
