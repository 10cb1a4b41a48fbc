using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>
/// A tool's refusal (nothing found, an argument it cannot use) reaches the agent as the tool's error with the words to correct
/// it, and is the caller's mistake, as a 4xx is: no error-level log line, no stack trace. The console fixture records the
/// host's log (Warning and above).
/// </summary>
[Collection("console")]
public class McpToolRefusalTests(ConsoleFixture service)
{
    [Fact]
    public async Task An_unknown_status_is_refused_naming_the_statuses_as_an_unknown_channel_is()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await using var agent = await service.McpAsync(tenant.ApiKey);

        var status = await agent.CallAsync("find_notifications", new { status = "bogus" });
        Assert.True(status.IsError, McpSessions.Text(status));
        Assert.Contains("status: one of accepted, queued, sending, sent", McpSessions.Text(status));
        var channel = await agent.CallAsync("find_notifications", new { channel = "pigeon" });
        Assert.True(channel.IsError, McpSessions.Text(channel));
        Assert.StartsWith("channel: one of email", McpSessions.Text(channel));
        Assert.Empty((await agent.CallOkAsync("find_notifications", new { status = "failed" })).AsArray());
    }

    [Fact]
    public async Task Tool_refusals_are_error_results_with_their_message_and_log_no_error()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await using var agent = await service.McpAsync(tenant.ApiKey);
        var before = service.Logs.Entries.Count;

        var refusals = new (string Tool, object Args, string Says)[]
        {
            ("explain_notification", new { id = Guid.NewGuid() }, "was not found"),
            ("get_workflow_run", new { runId = Guid.NewGuid() }, "was not found"),
            ("find_notifications", new { channel = "pigeon" }, "channel: one of"),
            ("preview_template", new { template = "nope" }, "there is no template 'nope'"),
            ("send_test", new { template = "nope", to = "sandbox" }, "there is no template 'nope'"),
            ("find_notifications", new { limit = "many" }, "Invalid arguments for 'find_notifications'"),   // its input schema
            ("explain_notification", new { }, "Invalid arguments for 'explain_notification'"),
        };
        foreach (var (tool, args, says) in refusals)
        {
            var result = await agent.CallAsync(tool, args);
            Assert.True(result.IsError, $"{tool}: {McpSessions.Text(result)}");
            Assert.Contains(says, McpSessions.Text(result));
        }

        var errors = service.Logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").ToList();
        Assert.True(errors.Count == 0, "refusals logged as errors:\n" + string.Join("\n", errors));
    }

    [Fact]
    public async Task A_tool_that_does_not_exist_is_invalid_params_naming_it_and_logs_no_error()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await using var agent = await service.McpAsync(tenant.ApiKey);
        var before = service.Logs.Entries.Count;

        var refused = await Assert.ThrowsAsync<McpProtocolException>(() => agent.CallAsync("send_notfication", new { }));
        Assert.Equal(McpErrorCode.InvalidParams, refused.ErrorCode);
        Assert.Contains("Unknown tool: 'send_notfication'", refused.Message);
        Assert.NotNull(await agent.CallOkAsync("find_notifications", new { }));   // the session goes on

        var errors = service.Logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").ToList();
        Assert.True(errors.Count == 0, "an unknown tool logged as an error:\n" + string.Join("\n", errors));
    }
}
