using System.Net;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Auth;

/// <summary>
/// A profile is written with `users:write` wherever it is written: a send's `recipient.profile` and a trigger's
/// `recipients[].profile` as much as `PUT /services/users/{userId}`. A send-only key is refused with a 403 naming the field
/// and the scope, and nothing is written; sending to a stored profile by userId needs no more than the send scope.
/// </summary>
[Collection("service")]
public class ProfileWriteScopeTests(ServiceFixture service)
{
    private static object SendWithProfile(string userId, object? profile) => new
    {
        channel = "email", recipient = new { userId, profile }, content = new { subject = "Your order", body = "It shipped." },
    };

    private async Task<TestTenant> TenantWithAdaAsync()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com" });
        return tenant;
    }

    private async Task<long> NotificationsAsync(TestTenant tenant) =>
        await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id);

    [Fact]
    public async Task A_send_only_key_cannot_rewrite_a_profile_through_a_send_403_naming_the_field_and_scope_and_nothing_is_written()
    {
        var tenant = await TenantWithAdaAsync();
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);

        var response = await sender.PostJsonAsync(Api.Send, SendWithProfile("ada", new { email = "attacker@example.com" }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal(["recipient.profile"], problem.ErrorKeys());
        Assert.Contains("'users:write'", problem.Error("recipient.profile"));
        Assert.Equal("ada@example.com", (await tenant.Http.ProfileAsync("ada")).Text("email"));
        Assert.Equal(0, await NotificationsAsync(tenant));
    }

    [Fact]
    public async Task A_send_only_key_cannot_rewrite_a_profile_through_a_workflow_trigger_and_no_run_starts()
    {
        var tenant = await TenantWithAdaAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "shipped", channel = "in_app", locale = "en", parts = new { title = "Shipped", body = "It shipped." } });
        await tenant.Http.PublishWorkflowAsync("""
            {"key": "shipped", "name": "Shipped", "steps": [{"id": "inbox", "type": "send", "channel": "in_app", "template": "shipped"}]}
            """);
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);

        var response = await sender.PostJsonAsync($"{WorkflowApi.Services}/shipped/trigger",
            new { recipients = new object[] { "bob", new { userId = "ada", profile = new { email = "attacker@example.com" } } } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal(["recipients[1].profile"], problem.ErrorKeys());
        Assert.Contains("'users:write'", problem.Error("recipients[1].profile"));
        Assert.Equal("ada@example.com", (await tenant.Http.ProfileAsync("ada")).Text("email"));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1", tenant.Id));

        // The same trigger by a key that may write profiles (or by admin) is accepted and merges the patch first.
        var writer = await service.KeyWithAsync(tenant.Id, Scopes.Send, Scopes.UsersWrite);
        await writer.TriggerAsync("shipped", new { recipients = new object[] { new { userId = "ada", profile = new { name = "Ada L." } } } });
        await tenant.Http.TriggerAsync("shipped", new { recipients = new object[] { new { userId = "bob", profile = new { name = "Bob" } } } });
        Assert.Equal("Ada L.", (await tenant.Http.ProfileAsync("ada")).Text("name"));
        Assert.Equal("Bob", (await tenant.Http.ProfileAsync("bob")).Text("name"));
    }

    [Fact]
    public async Task A_key_with_users_write_or_admin_sets_a_profile_on_a_send()
    {
        var tenant = await TenantWithAdaAsync();
        var writer = await service.KeyWithAsync(tenant.Id, Scopes.Send, Scopes.UsersWrite);
        var admin = await service.KeyWithAsync(tenant.Id, Scopes.Admin);

        await writer.SendOkAsync(SendWithProfile("ada", new { email = "ada@new.example.com" }));
        Assert.Equal("ada@new.example.com", (await tenant.Http.ProfileAsync("ada")).Text("email"));
        await admin.SendOkAsync(SendWithProfile("ada", new { email = "ada@admin.example.com" }));
        Assert.Equal("ada@admin.example.com", (await tenant.Http.ProfileAsync("ada")).Text("email"));
    }

    [Fact]
    public async Task A_send_only_key_still_sends_by_userId_to_the_stored_profile()
    {
        var tenant = await TenantWithAdaAsync();
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);

        var id = await sender.SendOkAsync(SendWithProfile("ada", profile: null));

        await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal("ada@example.com", (await tenant.Http.ProfileAsync("ada")).Text("email"));
    }

    [Fact]
    public async Task A_batch_recipient_carries_no_profile_at_all_so_a_batch_writes_none()
    {
        var tenant = await TenantWithAdaAsync();
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);

        var response = await sender.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "email", content = new { subject = "Your order", body = "It shipped." },
            recipients = new[] { new { userId = "ada", profile = new { email = "attacker@example.com" } } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await response.ErrorFieldsAsync(), f => f.StartsWith("recipients[0]"));
        Assert.Equal("ada@example.com", (await tenant.Http.ProfileAsync("ada")).Text("email"));
        Assert.Equal(0, await NotificationsAsync(tenant));
    }
}
