using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>
/// `/mcp` driven by the official C# MCP client: a credential sees and calls only the tools its scopes (keys) or role
/// (members) admit, every tool has a row in both tables, another tenant's notification is not found, addresses are shown
/// only to a credential that may read people, and every call is audited with the tool's name.
/// </summary>
[Collection("service")]
public class McpServerTests(ServiceFixture service)
{
    [Fact]
    public async Task Every_registered_tool_has_a_row_in_the_scope_table_and_the_role_table_and_an_admin_key_lists_them_all()
    {
        var registered = service.Factory.Services.GetRequiredService<IOptions<McpServerOptions>>().Value.ToolCollection!
            .Select(t => t.ProtocolTool.Name).Order().ToList();
        Assert.True(registered.Count >= 7, string.Join(", ", registered));
        Assert.Equal(registered, ScopeTable.Tools.Keys.Order().ToList());
        Assert.Equal(registered, RoleTable.Tools.Keys.Order().ToList());

        var tenant = await service.NewTenantAsync();
        await using var admin = await service.McpAsync(tenant.ApiKey);
        Assert.Equal(registered, (await admin.ListToolsAsync()).Select(t => t.Name).Order().ToList());
    }

    [Fact]
    public async Task The_read_tools_answer_from_the_tenants_own_data_and_each_call_is_audited_with_its_name()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email("grace@example.com"));
        await service.Ledger.WaitForAsync(id, "sent");
        await using var agent = await service.McpAsync(tenant.ApiKey);

        var found = (await agent.CallOkAsync("find_notifications", new { recipient = "grace@example.com", status = "sent" })).AsArray();
        Assert.Equal(id, Assert.Single(found)!["id"]!.GetValue<Guid>());
        Assert.Empty((await agent.CallOkAsync("find_notifications", new { recipient = "grace@example.com", template = "no-such-template" })).AsArray());
        Assert.Equal("sent", (await agent.ExplainAsync(id))["reason"]!.GetValue<string>());
        Assert.Empty((await agent.CallOkAsync("list_workflows")).AsArray());
        var queues = (await agent.CallOkAsync("queue_health")).AsArray();
        Assert.Contains(queues, q => q!["queue"]!.GetValue<string>() == "email" && q["dead"]!.GetValue<long>() == 0);
        Assert.NotNull((await agent.CallOkAsync("usage"))["quotas"]);
        var missingRun = await agent.CallAsync("get_workflow_run", new { runId = Guid.NewGuid() });
        Assert.True(missingRun.IsError);
        Assert.Contains("was not found", McpSessions.Text(missingRun));

        var audited = await service.Factory.Services.GetRequiredService<AuditLog>().ListAsync(tenant.Id, new AuditFilter(TargetType: "mcp_tool"), null, 50, default);
        Assert.Equal(["mcp.explain_notification", "mcp.find_notifications", "mcp.get_workflow_run", "mcp.list_workflows", "mcp.queue_health", "mcp.usage"],
            audited.Select(a => a.Action).Distinct().Order().ToList());
    }

    [Fact]
    public async Task Another_tenants_notification_is_not_found()
    {
        var owner = await service.NewTenantAsync("{}", "email");
        var id = await owner.Http.SendOkAsync(Api.Email());
        var stranger = await service.NewTenantAsync("{}", "email");
        await using var agent = await service.McpAsync(stranger.ApiKey);

        var result = await agent.CallAsync("explain_notification", new { id });
        Assert.True(result.IsError);
        Assert.Contains($"Notification {id} was not found.", McpSessions.Text(result));
        Assert.Empty((await agent.CallOkAsync("find_notifications", new { recipient = "ada@example.com" })).AsArray());
    }

    [Fact]
    public async Task A_send_only_key_sees_only_the_write_tools_and_is_refused_a_read_naming_the_scope_it_needs()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email());
        await using var sender = await service.McpAsync(await tenant.KeyAsync("notifications:send"));

        var tools = (await sender.ListToolsAsync()).Select(t => t.Name).Order().ToList();
        Assert.Equal(["cancel_run", "trigger_workflow_test"], tools);
        Assert.DoesNotContain("find_notifications", tools);
        var refused = await sender.CallAsync("explain_notification", new { id });
        Assert.True(refused.IsError);
        Assert.Contains("needs notifications:read", McpSessions.Text(refused));
        Assert.DoesNotContain("ada@example.com", McpSessions.Text(refused));
    }

    [Fact]
    public async Task Cancelling_a_run_is_refused_to_a_read_only_key_and_done_for_a_key_with_the_send_scope()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "in_app", locale = "en", parts = new { title = "Note", body = "Hi" } });
        await tenant.Http.PublishWorkflowAsync("""
            {"key":"hold","name":"Hold","steps":[{"id":"wait","type":"waitFor","event":"done","timeout":"PT1H",
              "onTimeout":[{"id":"note","type":"send","channels":["in_app"],"template":"note"}]}]}
            """);
        var run = (await tenant.Http.TriggerAsync("hold", new { recipients = new[] { "ada" } })).Single();
        await tenant.Http.WaitForWaitAsync(run, "wait");
        await using var reader = await service.McpAsync(await tenant.KeyAsync("notifications:read"));
        await using var sender = await service.McpAsync(await tenant.KeyAsync("notifications:send"));

        Assert.Equal("wait", (await reader.CallOkAsync("get_workflow_run", new { runId = run }))["steps"]![0]!["stepId"]!.GetValue<string>());
        var refused = await reader.CallAsync("cancel_run", new { runId = run });
        Assert.True(refused.IsError);
        Assert.Contains("needs notifications:send", McpSessions.Text(refused));
        Assert.Equal("waiting", (await tenant.Http.RunAsync(run))["state"]!.GetValue<string>());

        Assert.Equal("cancelled", (await sender.CallOkAsync("cancel_run", new { runId = run }))["state"]!.GetValue<string>());
        await tenant.Http.WaitForRunAsync(run, "cancelled");
    }

    [Fact]
    public async Task Addresses_are_masked_unless_the_key_may_read_people()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email("grace@example.com"));
        await using var reader = await service.McpAsync(await tenant.KeyAsync("notifications:read"));
        await using var peopleReader = await service.McpAsync(await tenant.KeyAsync("notifications:read", "users:read"));

        Assert.Equal("g•••@example.com", (await reader.ExplainAsync(id))["recipient"]!.GetValue<string>());
        Assert.Equal("g•••@example.com", (await reader.CallOkAsync("find_notifications"))[0]!["recipient"]!.GetValue<string>());
        Assert.Equal("grace@example.com", (await peopleReader.ExplainAsync(id))["recipient"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_credential_the_endpoint_answers_401()
    {
        using var anonymous = service.Factory.CreateClient();
        var response = await anonymous.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
