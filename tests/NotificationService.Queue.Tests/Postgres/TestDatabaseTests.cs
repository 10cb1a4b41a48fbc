using System.Diagnostics;
using System.Net.Sockets;
using NotificationService.Postgres;

namespace NotificationService.Queue.Tests.Postgres;

/// <summary>
/// Tests leave no PostgreSQL data behind: a test process's cluster goes with it even when the process is killed (a
/// detached watchdog), and a folder left by a run that died some other way is removed, its server stopped, by the next
/// run, while the folders of runs still alive stay. Each spec works in a root of its own, not the shared one.
/// </summary>
public class TestDatabaseTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ns-test-pg-spec-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task A_cluster_goes_with_the_process_that_owns_it_even_when_that_process_is_killed()
    {
        using var owner = Process.Start("sleep", "600");   // stands for a test host
        var cluster = await EmbeddedPostgres.StartAsync(Path.Combine(_root, $"{owner.Id}-owned"));
        TestDatabase.RemoveWhenGone(cluster, owner.Id);
        Assert.True(Accepts(cluster.Port), "the cluster runs while its owner does");

        owner.Kill();   // SIGKILL: no exit handler of the owner runs
        await owner.WaitForExitAsync();

        await Eventually.Async(() => !Directory.Exists(cluster.DataDirectory), "the killed owner's cluster folder to be removed", TimeSpan.FromSeconds(60));
        Assert.False(Accepts(cluster.Port), "its server was stopped");
    }

    [Fact]
    public async Task The_next_run_removes_a_dead_runs_folder_and_stops_its_server_but_keeps_a_live_runs()
    {
        using var gone = Process.Start("true")!;
        await gone.WaitForExitAsync();
        var orphan = await EmbeddedPostgres.StartAsync(Path.Combine(_root, $"{gone.Id}-killed"), stopOnDispose: false);   // left running
        var live = Directory.CreateDirectory(Path.Combine(_root, $"{Environment.ProcessId}-running")).FullName;
        File.WriteAllText(Path.Combine(live, "marker"), "a run still going");

        var removed = await TestDatabase.RemoveLeftoversAsync(_root);

        Assert.Equal([orphan.DataDirectory], removed);
        Assert.False(Directory.Exists(orphan.DataDirectory));
        Assert.False(Accepts(orphan.Port), "the orphaned server was stopped before its folder went");
        Assert.True(File.Exists(Path.Combine(live, "marker")), "a live run's folder is not touched");
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
