using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Hosting;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Docs;

/// <summary>
/// Every shell example (```bash, sh, shell, console) of README.md and docs/*.md runs, as written, against a real
/// service process (migrated, seeded, on a free loopback port), so a wrong port, path or renamed field fails here.
///
/// The convention the docs follow:
/// - `http://localhost:5000` (the quick start's address) is rewritten to the test service's base URL;
/// - `$KEY` is the demo tenant's API key (the quick start prints it); other variables (`ID`, `BATCH`, `TOKEN`) are
///   set by an earlier block of the same page: a page's blocks run in order, in one bash, under `set -euo pipefail`,
///   from the repository root; examples use `curl -fsS`, so an HTTP error fails the block;
/// - a block that cannot run in a test (it starts the service, installs tools, lists placeholders such as `&lt;id&gt;`)
///   has `&lt;!-- example: not-run (why) --&gt;` on the line before it, and the reason may not be empty; a block that
///   sends, sends to topics or triggers a workflow always runs: those are what a reader copies first;
/// - what the examples send ends as they say: once every notification has settled, none has failed (a send that
///   lacks its template's data "works" with a 202 and then fails) and none is left scheduled (an example that
///   schedules a send and then cancels it cancels every id the send answered).
/// </summary>
public class ReadmeExamplesTests
{
    [Fact]
    public void Every_example_a_test_cannot_run_says_why()
    {
        var blocks = MarkdownDocs.ExamplePages().SelectMany(MarkdownDocs.Blocks).ToList();
        var unexplained = blocks.Where(b => b.NotRunMark is not null && !System.Text.RegularExpressions.Regex.IsMatch(b.NotRunMark, @"^<!-- example: not-run \(\s*\S[^)]*\) -->$"))
            .Select(b => $"{b.File}:{b.Line}: {b.NotRunMark}").ToList();
        Assert.True(unexplained.Count == 0, "a not-run mark needs its reason, as <!-- example: not-run (why) -->:\n" + string.Join("\n", unexplained));
        var runnable = blocks.Where(b => MarkdownDocs.ShellLanguages.Contains(b.Language) && b.NotRunMark is null).ToList();
        Assert.Contains(runnable, b => b.File == "README.md");
    }

    [Fact]
    public void No_send_topic_send_or_workflow_trigger_example_is_left_unrun()
    {
        var skippedSends = MarkdownDocs.ExamplePages().SelectMany(MarkdownDocs.Blocks)
            .Where(b => b.NotRunMark is not null && System.Text.RegularExpressions.Regex.IsMatch(b.Code,
                @"/services/notifications/send|/services/workflows/[^/\s]+/trigger"))
            .Select(b => $"{b.File}:{b.Line}: {b.NotRunMark}").ToList();
        Assert.True(skippedSends.Count == 0, "these examples send or trigger but are marked not-run; make them run:\n" + string.Join("\n", skippedSends));
    }

    [Fact]
    public async Task Every_shell_example_of_the_README_and_docs_runs_against_a_real_service()
    {
        var cs = await TestDatabase.CreateAsync("docexamples");
        var migrate = await CliTests.RunAsync(cs, "migrate");
        Assert.True(migrate.Exit == 0, migrate.Output);
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var service = Start(cs, port);
        try
        {
            await WaitReadyAsync(baseUrl);
            var ran = 0;
            foreach (var page in MarkdownDocs.ExamplePages())
            {
                var blocks = MarkdownDocs.Blocks(page)
                    .Where(b => MarkdownDocs.ShellLanguages.Contains(b.Language) && b.NotRunMark is null).ToList();
                if (blocks.Count == 0) continue;
                var script = new StringBuilder("set -euo pipefail\n");
                foreach (var b in blocks)
                    script.Append($"echo '>>> example at {b.File}:{b.Line}' >&2\n")
                          .Append(b.Code.Replace("http://localhost:5000", baseUrl)).Append('\n');
                var (exit, output) = await BashAsync(script.ToString());
                Assert.True(exit == 0, $"an example of {page} failed (exit {exit}); the last '>>>' line names it:\n{output}");
                ran += blocks.Count;
            }
            Assert.True(ran > 0, "no example ran");
            await AssertWhatTheExamplesSentEndedAsTheySayAsync(cs);
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }

    /// <summary>Waits (by polling the rows, no clock) until nothing due is queued or in flight, then reads what
    /// failed and what is still scheduled: both must be nothing.</summary>
    private static async Task AssertWhatTheExamplesSentEndedAsTheySayAsync(string cs)
    {
        await using var db = NpgsqlDataSource.Create(cs);
        await Eventually.Async(async () => (long)(await db.CreateCommand("""
            select count(*) from notifications
            where status in ('accepted', 'queued', 'sending') and (send_at is null or send_at <= now())
            """).ExecuteScalarAsync())! == 0, "the examples' notifications to settle", TimeSpan.FromSeconds(120));
        var wrong = new List<string>();
        await using (var read = await db.CreateCommand("""
            select id, channel, template_key, status, coalesce(last_error, '') from notifications
            where status = 'failed' or (status in ('accepted', 'queued') and send_at > now())
            order by id
            """).ExecuteReaderAsync())
            while (await read.ReadAsync())
                wrong.Add($"{read.GetGuid(0)} {read.GetString(1)} template={(read.IsDBNull(2) ? "-" : read.GetString(2))}: {read.GetString(3)} {read.GetString(4)}");
        Assert.True(wrong.Count == 0, "an example's send failed or was left scheduled:\n" + string.Join("\n", wrong));
    }

    private static async Task<(int Exit, string Output)> BashAsync(string script)
    {
        var psi = new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = MarkdownDocs.Root,
        };
        psi.Environment["KEY"] = ServiceFixture.DemoApiKey;
        using var bash = Process.Start(psi)!;
        var output = new StringBuilder();
        bash.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        bash.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        bash.BeginOutputReadLine();
        bash.BeginErrorReadLine();
        await bash.WaitForExitAsync();
        return (bash.ExitCode, output.ToString());
    }

    private static Process Start(string cs, int port)
    {
        var psi = new ProcessStartInfo("dotnet", [CliTests.ServiceDll, "serve", "--urls", $"http://127.0.0.1:{port}"]);
        psi.Environment["ConnectionStrings__Postgres"] = cs;
        psi.Environment["Seed__OnStart"] = "true";
        psi.Environment["Seed__DemoApiKey"] = ServiceFixture.DemoApiKey;
        psi.Environment["Secrets__Keys__test"] = Convert.ToBase64String(new byte[32]);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        return Process.Start(psi)!;
    }

    private static Task WaitReadyAsync(string baseUrl) => Eventually.Async(async () =>
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        try { return (await http.GetAsync("/health/ready")).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
    }, "the service to be ready", TimeSpan.FromSeconds(180));

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
