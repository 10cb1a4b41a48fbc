using System.Diagnostics;
using System.Text.Json.Nodes;
using NotificationService.Tests.Client;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>
/// The npm MCP Inspector, the protocol's reference client, in CLI mode against the service on a real port: it lists the
/// tools a credential may call, as an agent's client would see them (the service shared with the .NET client's specs).
/// </summary>
[Collection("client-service")]
public class McpInspectorTests(ClientServiceFixture service)
{
    [InspectorFact]
    public async Task The_inspector_lists_the_tools_a_key_may_call_and_sees_none_without_a_credential()
    {
        var tenant = await service.NewRealTenantAsync("email");
        var reader = await tenant.KeyAsync("notifications:read");
        var url = new Uri(service.BaseAddress, "/mcp").ToString();

        var (exit, output, errors) = await InspectAsync(url, "--method", "tools/list", "--header", $"Authorization: Bearer {reader}");
        Assert.True(exit == 0, $"inspector exited {exit}:\n{output}\n{errors}");
        var tools = JsonNode.Parse(output)!["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).Order();
        Assert.Equal(["explain_notification", "find_notifications", "get_workflow_run"], tools);

        var (refused, answer, why) = await InspectAsync(url, "--method", "tools/list");
        Assert.True(refused != 0, $"listed without a credential:\n{answer}");
        Assert.Contains("auth_required", answer + why);   // the 401 as the Inspector reports it
    }

    /// <summary>`npx @modelcontextprotocol/inspector --cli URL …` from .tools, where the install script puts it (never a download).</summary>
    private static async Task<(int Exit, string Output, string Errors)> InspectAsync(string url, params string[] args)
    {
        var start = new ProcessStartInfo("npx") { WorkingDirectory = InspectorFactAttribute.Tools, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--no-install", "@modelcontextprotocol/inspector", "--cli", url, "--transport", "http", .. args]) start.ArgumentList.Add(a);
        var catalog = Path.Combine(Path.GetTempPath(), $"mcp-inspector-{Guid.NewGuid():N}.json");   // its server catalog, not the user's
        start.Environment["MCP_CATALOG_PATH"] = catalog;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        finally { File.Delete(catalog); }
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>Runs where the Inspector is installed (scripts/install-test-tools.sh puts it in .tools) and node is on PATH.</summary>
public sealed class InspectorFactAttribute : FactAttribute
{
    public static string Tools => Path.Combine(DotnetProcess.RepoRoot, ".tools");

    public InspectorFactAttribute()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "npx")));
        if (!File.Exists(Path.Combine(Tools, "node_modules", ".bin", "mcp-inspector")) || !onPath)
            Skip = "MCP Inspector spec skipped: the Inspector (npm, in .tools/) or node not found. Install: bash scripts/install-test-tools.sh mcp-inspector";
    }
}
