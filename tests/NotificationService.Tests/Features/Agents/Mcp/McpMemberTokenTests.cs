using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>
/// A console member's admin API token drives `/mcp` with their role deciding the tools, as it decides the console's
/// pages: a viewer reads (addresses masked, no stored profile in a preview) and tries nothing; an editor may test-send a template to their own address.
/// </summary>
[Collection("service")]
public class McpMemberTokenTests(ServiceFixture service)
{
    private static readonly string[] ReadTools =
        ["explain_notification", "find_notifications", "get_workflow_run", "list_workflows", "preview_template", "queue_health", "usage"];

    [Fact]
    public async Task A_viewer_sees_the_read_tools_with_addresses_and_profiles_masked_and_is_refused_a_test_send()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await tenant.Http.CreateTemplateAsync(new { key = "hello", channel = "email", locale = "en", parts = new { subject = "Hello", text = "Hi" } });
        var id = await tenant.Http.SendOkAsync(Api.Email("grace@example.com"));
        var (_, token) = await service.MemberTokenAsync(tenant, "viewer");
        await using var viewer = await service.McpAsync(token);

        Assert.Equal(ReadTools, (await viewer.ListToolsAsync()).Select(t => t.Name).Order());
        Assert.Equal("g•••@example.com", (await viewer.ExplainAsync(id))["recipient"]!.GetValue<string>());
        Assert.Equal("Hello", (await viewer.CallOkAsync("preview_template", new { template = "hello" }))["parts"]!["subject"]!.GetValue<string>());
        var withProfile = await viewer.CallAsync("preview_template", new { template = "hello", userId = "grace" });   // a person's stored profile
        Assert.True(withProfile.IsError);
        Assert.Contains("userId: rendering with a stored profile needs a credential that may read people", McpSessions.Text(withProfile));
        var refused = await viewer.CallAsync("send_test", new { template = "hello", to = "me" });
        Assert.True(refused.IsError);
        Assert.Contains("a member needs a role that allows it", McpSessions.Text(refused));
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task An_editor_test_sends_a_template_to_their_own_address_and_the_audit_names_them()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await tenant.Http.CreateTemplateAsync(new { key = "hello", channel = "email", locale = "en", parts = new { subject = "Hello", text = "Hi" } });
        var (member, token) = await service.MemberTokenAsync(tenant, "editor");
        await using var editor = await service.McpAsync(token);

        var tools = (await editor.ListToolsAsync()).Select(t => t.Name).Order().ToList();
        Assert.Equal(ReadTools.Append("send_test").Append("trigger_workflow_test").Order(), tools);
        Assert.DoesNotContain("cancel_run", tools);   // operations, not content

        var sent = await editor.CallOkAsync("send_test", new { template = "hello", to = "me" });
        Assert.Equal(member.Email, sent["to"]!.GetValue<string>());
        var id = sent["notificationId"]!.GetValue<Guid>();
        await service.Ledger.WaitForAsync(id, "sent");
        Assert.Equal(member.Email, await service.ScalarAsync<string>(
            "select recipient->>'email' from sandbox_messages where tenant_id = $1 and notification_id = $2", tenant.Id, id));
        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?action=mcp.send_test");
        Assert.Contains($"member {member.Email} (token, {member.Id})", audit);
    }
}
