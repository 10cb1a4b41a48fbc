namespace NotificationService.Hosting;

/// <summary>
/// Where the embedded PostgreSQL lives, and why there. It must not depend on the folder the binary is started from:
/// a relative default made `dotnet bin/…/NotificationService.dll` run from another folder start a second, empty cluster
/// (and a second local secrets key) without a word. So, in order:
/// 1. `Postgres:DataDirectory`, when set (a relative value is taken from the working directory, as the operator typed it);
/// 2. the binary was built from the project (`NotificationService.csproj` in a folder above it, as for `dotnet run
///    --project src/NotificationService` and for its `bin/` run from anywhere): `.data/postgres` in that project folder,
///    where the quick start has always kept it;
/// 3. otherwise (a published binary): the user's data folder, `~/.local/share/notification-service/postgres`
///    (`$XDG_DATA_HOME` when set), and beside the binary when there is no user folder.
/// </summary>
public sealed record EmbeddedDataDirectory(string Path, string Why)
{
    public const string ProjectFile = "NotificationService.csproj";

    public static EmbeddedDataDirectory Resolve(IConfiguration config, string binaryDirectory)
    {
        if (config["Postgres:DataDirectory"] is { Length: > 0 } configured)
            return new(System.IO.Path.GetFullPath(configured), "Postgres:DataDirectory is set");
        if (ProjectFolderOf(binaryDirectory) is { } project)
            return new(System.IO.Path.Combine(project, ".data", "postgres"),
                $"Postgres:DataDirectory is not set: the project folder this binary was built from, whatever the working directory");
        var user = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return user.Length > 0
            ? new(System.IO.Path.Combine(user, "notification-service", "postgres"),
                "Postgres:DataDirectory is not set and the binary is not in its project folder: the user's data folder")
            : new(System.IO.Path.Combine(binaryDirectory, ".data", "postgres"),
                "Postgres:DataDirectory is not set, the binary is not in its project folder and there is no user data folder: "
                    + "beside the binary");
    }

    /// <summary>The project folder the binary was built from (`dotnet run --project`, its `bin/`); null for a published one.</summary>
    public static string? ProjectFolderOf(string binaryDirectory)
    {
        for (var dir = new DirectoryInfo(binaryDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, ProjectFile))) return dir.FullName;
        return null;
    }
}
