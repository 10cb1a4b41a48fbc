using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>
/// The tools that try templates and workflows: a preview renders as the API's does (same data limit), a test send goes
/// only to the sandbox or the calling member's own address through the API's test send, and a test trigger only to a
/// test user; each is refused without its scope and done with it, and audited with its name.
/// </summary>
[Collection("service")]
public class McpTestToolsTests(ServiceFixture service)
{
    private static readonly object Receipt = new { key = "receipt", channel = "email", locale = "en", parts = new { subject = "Receipt {{order}}", text = "Thanks, {{name}}" } };

    [Fact]
    public async Task A_preview_renders_a_template_by_its_key_names_what_the_data_lacks_and_is_bounded_like_the_APIs()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await tenant.Http.CreateTemplateAsync(Receipt);
        await using var admin = await service.McpAsync(tenant.ApiKey);
        await using var reader = await service.McpAsync(await tenant.KeyAsync("notifications:read"));

        var preview = await admin.CallOkAsync("preview_template", new { template = "receipt", data = new { order = "A-17" } });
        Assert.Equal("Receipt A-17", preview["parts"]!["subject"]!.GetValue<string>());
        Assert.Equal(["name"], preview["missingVariables"]!.AsArray().Select(v => v!.GetValue<string>()));

        var unknown = await admin.CallAsync("preview_template", new { template = "invoice" });
        Assert.True(unknown.IsError);
        Assert.Contains("there is no template 'invoice'", McpSessions.Text(unknown));
        var tooLarge = await admin.CallAsync("preview_template", new { template = "receipt", data = new { order = new string('x', 1_100_000) } });
        Assert.True(tooLarge.IsError);
        Assert.Contains("bytes", McpSessions.Text(tooLarge));   // the API's own 413 words: the data limit, not a crash
        var refused = await reader.CallAsync("preview_template", new { template = "receipt" });
        Assert.True(refused.IsError);
        Assert.Contains("needs admin", McpSessions.Text(refused));
    }

    [Fact]
    public async Task A_test_send_goes_to_the_sandbox_with_the_admin_scope_and_is_refused_without_it_or_to_a_key_asking_for_its_own_address()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await tenant.Http.CreateTemplateAsync(Receipt);
        await using var admin = await service.McpAsync(tenant.ApiKey);
        await using var sender = await service.McpAsync(await tenant.KeyAsync("notifications:send"));

        var refused = await sender.CallAsync("send_test", new { template = "receipt", to = "sandbox", data = new { order = "A-1", name = "Ada" } });
        Assert.True(refused.IsError);
        Assert.Contains("needs admin", McpSessions.Text(refused));
        var toKey = await admin.CallAsync("send_test", new { template = "receipt", to = "me", data = new { order = "A-1", name = "Ada" } });
        Assert.Contains("a key has none", McpSessions.Text(toKey));
        var lacking = await admin.CallAsync("send_test", new { template = "receipt", to = "sandbox", data = new { order = "A-1" } });
        Assert.Contains("data: Missing required variables: name.", McpSessions.Text(lacking));   // the API's test-send check, field named
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));

        var sent = await admin.CallOkAsync("send_test", new { template = "receipt", to = "sandbox", data = new { order = "A-2", name = "Ada" } });
        var id = sent["notificationId"]!.GetValue<Guid>();
        await service.Ledger.WaitForAsync(id, "sent");
        Assert.Equal("sandbox-test@example.com", await service.ScalarAsync<string>(
            "select recipient->>'email' from sandbox_messages where tenant_id = $1 and notification_id = $2", tenant.Id, id));
        var audited = await service.Factory.Services.GetRequiredService<AuditLog>().ListAsync(tenant.Id, new AuditFilter(TargetType: "mcp_tool"), null, 50, default);
        Assert.Contains(audited, a => a.Action == "mcp.send_test");
    }

    [Fact]
    public async Task A_test_send_to_the_sandbox_is_refused_where_the_channel_delivers_through_a_real_provider()
    {
        var tenant = await service.NewTenantAsync(null, "email");   // no sandbox: SendGrid delivers email
        service.Resolver.Answers["sendgrid.mcp-spec.example"] = [System.Net.IPAddress.Parse("162.159.128.233")];   // public enough to save; never called
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid("https://sendgrid.mcp-spec.example", "SendGrid"));
        await tenant.Http.CreateTemplateAsync(Receipt);
        await using var admin = await service.McpAsync(tenant.ApiKey);

        var refused = await admin.CallAsync("send_test", new { template = "receipt", to = "sandbox", data = new { order = "A-1", name = "Ada" } });
        Assert.True(refused.IsError);
        Assert.Contains("delivers through a real provider (sendgrid)", McpSessions.Text(refused));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_test_trigger_starts_a_run_for_a_test_user_with_the_send_scope_and_never_for_anyone_else()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "in_app", locale = "en", parts = new { title = "Note", body = "Hi {{who}}" } });
        await tenant.Http.PublishWorkflowAsync("""
            {"key":"hello","name":"Hello","steps":[{"id":"note","type":"send","channels":["in_app"],"template":"note"}]}
            """);
        await using var reader = await service.McpAsync(await tenant.KeyAsync("notifications:read"));
        await using var sender = await service.McpAsync(await tenant.KeyAsync("notifications:send"));

        var refused = await reader.CallAsync("trigger_workflow_test", new { workflow = "hello", userId = "test-ada", data = new { who = "Ada" } });
        Assert.Contains("needs notifications:send", McpSessions.Text(refused));
        var realPerson = await sender.CallAsync("trigger_workflow_test", new { workflow = "hello", userId = "ada", data = new { who = "Ada" } });
        Assert.Contains("userId: a test user's userId starts with 'test-'", McpSessions.Text(realPerson));
        var lacking = await sender.CallAsync("trigger_workflow_test", new { workflow = "hello", userId = "test-ada" });
        Assert.Contains("needs data the trigger does not give: who", McpSessions.Text(lacking));   // the API's trigger check
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1", tenant.Id));

        var run = (await sender.CallOkAsync("trigger_workflow_test", new { workflow = "hello", userId = "test-ada", data = new { who = "Ada" } }))["runId"]!.GetValue<Guid>();
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        Assert.Equal("test-ada", done["userId"]!.GetValue<string>());
    }
}
