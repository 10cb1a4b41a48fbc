using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

[Collection("service")]
public class McpToolAccessTests(ServiceFixture service)
{
    [Fact]
    public async Task An_admin_key_lists_every_tool_the_tables_name()
    {
        var tenant = await service.NewTenantAsync();
        await using var client = await McpSession.ConnectAsync(service, tenant.ApiKey);

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).Order();

        Assert.Equal(ScopeTable.McpTools.Keys.Order(), tools);
    }

    [Fact]
    public void Every_tool_has_a_row_in_the_scope_table_and_the_role_table()
    {
        var tools = typeof(NotificationService.Features.Agents.Mcp.McpEndpoints).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttributes(typeof(ModelContextProtocol.Server.McpServerToolAttribute), false)
                .OfType<ModelContextProtocol.Server.McpServerToolAttribute>().FirstOrDefault()?.Name)
            .OfType<string>().Order().ToList();

        Assert.NotEmpty(tools);
        Assert.Equal(tools, ScopeTable.McpTools.Keys.Order());
        Assert.Equal(tools, RoleTable.Mcp.Keys.Order());
    }

    [Fact]
    public async Task A_write_tool_is_refused_without_its_scope_and_runs_with_it()
    {
        var tenant = await service.NewTenantAsync();
        await using var reader = await McpSession.ConnectAsync(service, await McpSession.NewKeyAsync(tenant, "notifications:read"));
        await using var sender = await McpSession.ConnectAsync(service, await McpSession.NewKeyAsync(tenant, "notifications:send"));
        var runId = Guid.NewGuid();

        Assert.DoesNotContain("cancel_workflow_run", (await reader.ListToolsAsync()).Select(t => t.Name));
        var refused = await reader.CallAsync("cancel_workflow_run", new { runId });
        Assert.True(refused.IsError);
        Assert.Contains("needs notifications:send", refused.Text());

        var accepted = await sender.CallAsync("cancel_workflow_run", new { runId });
        Assert.NotEqual(true, accepted.IsError);
        Assert.Equal("No such run.", accepted.Text());
    }

    [Fact]
    public async Task A_send_only_key_sees_no_people_data()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.SendOkAsync(Api.Email("grace@example.com"));
        await using var sender = await McpSession.ConnectAsync(service, await McpSession.NewKeyAsync(tenant, "notifications:send"));

        Assert.Equal(["cancel_workflow_run"], (await sender.ListToolsAsync()).Select(t => t.Name));
        var refused = await sender.CallAsync("find_notifications", new { recipient = "grace@example.com" });
        Assert.True(refused.IsError);
        Assert.DoesNotContain("grace", refused.Text());
    }

    [Fact]
    public async Task Addresses_show_masked_to_a_key_without_users_read_and_in_full_with_it()
    {
        var tenant = await service.NewTenantAsync();
        var id = await tenant.Http.SendOkAsync(Api.Email("grace@example.com"));
        await using var reader = await McpSession.ConnectAsync(service, await McpSession.NewKeyAsync(tenant, "notifications:read"));
        await using var admin = await McpSession.ConnectAsync(service, tenant.ApiKey);

        var masked = (await reader.CallAsync("find_notifications", new { recipient = "grace@example.com" })).Json().AsArray();
        Assert.Equal(id, Assert.Single(masked)!["id"]!.GetValue<Guid>());
        Assert.Equal("g•••@example.com", masked[0]!["recipient"]!.GetValue<string>());
        Assert.Equal("g•••@example.com", (await reader.ExplainAsync(id))["recipient"]!.GetValue<string>());
        Assert.Equal("grace@example.com", (await admin.ExplainAsync(id))["recipient"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_tenants_notification_is_not_found()
    {
        var owner = await service.NewTenantAsync();
        var stranger = await service.NewTenantAsync();
        var id = await owner.Http.SendOkAsync(Api.Email());
        await using var client = await McpSession.ConnectAsync(service, stranger.ApiKey);

        var answer = await client.ExplainAsync(id);

        Assert.False(answer["found"]!.GetValue<bool>());
        Assert.Empty((await client.CallAsync("find_notifications", new { recipient = "ada@example.com" })).Json().AsArray());
    }

    [Fact]
    public async Task No_credential_is_a_401_before_any_tool()
    {
        var anonymous = service.Factory.CreateClient();
        var response = await anonymous.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
