using Microsoft.Extensions.Configuration;
using NotificationService.Hosting;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// The embedded cluster's folder does not depend on the folder the binary is started from: the same binary run from two
/// working directories uses the same cluster (and says where it is and why), and a binary built in its project folder
/// keeps it in that project's `.data/postgres`, where `dotnet run --project src/NotificationService` has it.
/// </summary>
public class EmbeddedDataDirectoryTests
{
    [Fact]
    public async Task Run_from_two_working_directories_the_binary_uses_one_embedded_cluster_and_says_where_and_why()
    {
        // The specs' copy of the binary is not in its project folder: the default is then the user's data folder, here a temporary one.
        var home = Directory.CreateTempSubdirectory("ns-home-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["HOME"] = home, ["XDG_DATA_HOME"] = Path.Combine(home, "share") };
            var first = Directory.CreateDirectory(Path.Combine(home, "first")).FullName;
            var second = Directory.CreateDirectory(Path.Combine(home, "second")).FullName;

            var runs = new[] { await RunInAsync(first, environment, "migrate"), await RunInAsync(second, environment, "migrate") };

            var expected = Path.Combine(home, "share", "notification-service", "postgres");
            Assert.All(runs, run => Assert.Contains($"using embedded PostgreSQL in {expected} on 127.0.0.1:", run.Stderr));
            Assert.All(runs, run => Assert.Contains("the user's data folder", run.Stderr));   // and why there
            Assert.True(File.Exists(Path.Combine(expected, "pgdata", "PG_VERSION")), "no cluster in the folder the log names");
            Assert.False(Directory.Exists(Path.Combine(first, ".data")) || Directory.Exists(Path.Combine(second, ".data")), "a cluster in a working directory");
        }
        finally { Directory.Delete(home, recursive: true); }
    }

    [Fact]
    public void A_binary_built_in_its_project_folder_keeps_the_cluster_in_that_projects_data_folder_unless_one_is_configured()
    {
        var project = Directory.CreateTempSubdirectory("ns-project-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(project, EmbeddedDataDirectory.ProjectFile), "<Project />");
            var binary = Directory.CreateDirectory(Path.Combine(project, "bin", "Debug", "net10.0")).FullName;
            var none = new ConfigurationBuilder().Build();
            Assert.Equal(Path.Combine(project, ".data", "postgres"), EmbeddedDataDirectory.Resolve(none, binary).Path);
            Assert.Equal(Path.Combine(project, ".data", "postgres"), EmbeddedDataDirectory.Resolve(none, project).Path);   // `dotnet run`'s own folder too

            var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Postgres:DataDirectory"] = "/srv/ns/pg" }).Build();
            var chosen = EmbeddedDataDirectory.Resolve(configured, binary);
            Assert.Equal(("/srv/ns/pg", "Postgres:DataDirectory is set"), (chosen.Path, chosen.Why));
        }
        finally { Directory.Delete(project, recursive: true); }
    }

    private static async Task<(string Stdout, string Stderr)> RunInAsync(string workingDirectory, Dictionary<string, string> environment, params string[] args)
    {
        await using var process = ServiceProcess.StartIn(workingDirectory, environment, args);
        var exit = await process.WaitExitAsync(TimeSpan.FromSeconds(120));
        var (stdout, stderr) = (string.Join('\n', process.Stdout), string.Join('\n', process.Stderr));
        Assert.True(exit == 0, $"{string.Join(' ', args)} in {workingDirectory} exited {exit}:\n{stdout}\n{stderr}");
        return (stdout, stderr);
    }
}
