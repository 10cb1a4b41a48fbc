namespace NotificationService.Postgres;

/// <summary>Finds the PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/*/bin.</summary>
public static class PostgresBinaries
{
    public const string InstallHint =
        "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
        "Install them (Debian/Ubuntu: apt-get install -y postgresql) or set ConnectionStrings__Postgres to an existing server.";

    public static string Locate()
    {
        var candidates = new List<string>();
        // Prefer the distribution's versioned folders (newest first): PATH may hold wrappers.
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));

        foreach (var dir in candidates)
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"))
                && File.Exists(Path.Combine(dir, "postgres")))
                return dir;
        // A PATH that only has wrappers for initdb/pg_ctl still works if postgres sits beside them.
        foreach (var dir in candidates)
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
                return dir;
        throw new PostgresUnavailableException(InstallHint);
    }
}

public sealed class PostgresUnavailableException(string message) : Exception(message);
