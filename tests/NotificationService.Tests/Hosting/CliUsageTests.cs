using System.Diagnostics;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// A command the binary does not know is a mistake to point out, not a reason to start the service: it exits 2 with the
/// usage (`help` and `--help` print it and exit 0). Configuration given as arguments (`--urls …`, `--Mode=api`,
/// `Key=value`) still reaches the service's commands. Each run points at a database that is not there and an address of
/// its own, so a binary that starts the service anyway fails its start-up, or is stopped here, instead of taking port 5000.
/// </summary>
public class CliUsageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [CliTests.ServiceDll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=9;Username=nobody;Password=none;Timeout=3";
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(Patience);
        try { await p.WaitForExitAsync(patience.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"`{string.Join(' ', args)}` was still running after {Patience.TotalSeconds:0} s (it started the service): {await output}");
        }
        return (p.ExitCode, await output, await error);
    }

    [Theory]
    [InlineData("tenant", "list")]
    [InlineData("tenants", "lst")]
    [InlineData("migrat")]
    [InlineData("serve", "now")]
    public async Task An_unknown_command_exits_2_with_the_usage_and_starts_nothing(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.Exit == 2, $"exit {run.Exit}: {run.Output}{run.Error}");
        Assert.Contains($"'{args[^1]}'", run.Error);   // names the token it did not understand
        Assert.Contains("Usage:", run.Output + run.Error);
        Assert.DoesNotContain("Now listening", run.Output + run.Error);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_usage_and_every_command_and_exits_0(string help)
    {
        var run = await RunAsync(help);
        Assert.True(run.Exit == 0, $"exit {run.Exit}: {run.Output}{run.Error}");
        Assert.Contains("Usage:", run.Output);
        foreach (var command in new[] { "serve", "migrate", "seed", "tenants", "health" }) Assert.Contains(command, run.Output);
    }

    [Fact]
    public async Task Configuration_given_as_arguments_still_reaches_the_command()
    {
        // `migrate` with the connection string as an argument (overriding the environment's missing database): it migrates.
        var cs = await NotificationService.Postgres.TestDatabase.CreateAsync("cli_args");
        var run = await RunAsync("migrate", "--ConnectionStrings:Postgres", cs, "Logging:LogLevel:Default=Warning");
        Assert.True(run.Exit == 0, $"exit {run.Exit}: {run.Output}{run.Error}");
        Assert.Matches(@"migrations: [1-9]\d* applied", run.Output);
    }
}
