using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>`/api/v1/admin/members`: invitations shown once, changes that respect owners, and ends that reach every replica.</summary>
[Collection("service")]
public class MembersApiTests(ServiceFixture service)
{
    private const string Members = "/api/v1/admin/members";

    [Fact]
    public async Task An_invitation_is_a_one_time_link_shown_once_emailed_through_the_sandbox_and_never_listed_or_audited()
    {
        var tenant = await service.NewTenantAsync(channels: "email");
        var created = await tenant.Http.PostJsonAsync($"{Members}/invitations", new { email = "  Grace@Example.COM ", role = "editor" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var url = body["inviteUrl"]!.GetValue<string>();
        Assert.Matches(@"/admin/invite/[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$", url);
        Assert.Equal("grace@example.com", body["member"]!["email"]!.GetValue<string>());
        Assert.Equal("invited", body["member"]!["status"]!.GetValue<string>());
        Assert.True(body["emailed"]!.GetValue<bool>());
        var expires = body["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));

        var token = url[(url.LastIndexOf('/') + 1)..];
        var secret = token[(token.IndexOf('.') + 1)..];
        Assert.DoesNotContain(secret, await tenant.Http.GetStringAsync(Members));
        Assert.DoesNotContain(secret, await tenant.Http.GetStringAsync("/api/v1/admin/audit"));
        Assert.Contains("member.invite", await tenant.Http.GetStringAsync("/api/v1/admin/audit"));
        // Stored as its SHA-256 only: the row is found by the hash of the secret, and no text column holds the secret.
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from member_links where tenant_id = $1 and token_hash = sha256($2)",
            tenant.Id, System.Text.Encoding.ASCII.GetBytes(secret)));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from member_links l where tenant_id = $1 and strpos(l::text, $2) > 0", tenant.Id, secret));
        // The tenant's own email channel carried it: the sandbox recorded the message to the invited address.
        await Eventually.Async(async () => await service.ScalarAsync<long>(
            "select count(*) from sandbox_messages where tenant_id = $1 and recipient::text like '%grace@example.com%'", tenant.Id) == 1, "the invitation in the sandbox");
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_writes_nothing()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var badEmail = await tenant.Http.PostJsonAsync($"{Members}/invitations", new { email = "not-an-address", role = "editor" });
        Assert.Equal(HttpStatusCode.BadRequest, badEmail.StatusCode);
        Assert.NotNull((await badEmail.JsonAsync())["errors"]!["email"]);
        var badRole = await tenant.Http.PostJsonAsync($"{Members}/invitations", new { email = "a@example.com", role = "root" });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.NotNull((await badRole.JsonAsync())["errors"]!["role"]);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from members where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task An_admin_key_cannot_touch_owners_and_another_tenants_member_is_404()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var other = await service.NewTenantAsync(sandboxSettingsJson: null);
        var owner = await tenant.Http.PostJsonAsync($"{Members}/invitations", new { email = "owner@example.com", role = "owner" });
        Assert.Equal(HttpStatusCode.Forbidden, owner.StatusCode);
        Assert.NotNull((await owner.JsonAsync())["errors"]!["role"]);

        var (member, _) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "owner");
        var demote = await PatchAsync(tenant.Http, $"{Members}/{member.Id}", new { role = "viewer" });
        Assert.Equal(HttpStatusCode.Forbidden, demote.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Http.DeleteAsync($"{Members}/{member.Id}")).StatusCode);

        var (editor, _) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "editor");
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(other.Http, $"{Members}/{editor.Id}", new { role = "viewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"{Members}/{editor.Id}")).StatusCode);
        Assert.Equal("editor", await service.ScalarAsync<string>("select role from members where tenant_id = $1 and id = $2", tenant.Id, editor.Id));
    }

    [Fact]
    public async Task Removing_a_member_or_lowering_their_role_ends_their_session_on_another_replica_at_the_next_request()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        using var replica = ApiReplica.Start(service);
        using var browser = replica.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var (admin, adminSession) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "admin");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin/api-keys", adminSession))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(tenant.Http, $"{Members}/{admin.Id}", new { role = "editor" })).StatusCode);
        var after = await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin/templates", adminSession));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);   // the session is gone, even for a page editors may see

        var (editor, editorSession) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "editor");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin/templates", editorSession))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"{Members}/{editor.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin/templates", editorSession))).StatusCode);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from console_sessions where tenant_id = $1 and member_id = $2", tenant.Id, editor.Id));
    }

    [Fact]
    public async Task A_disabled_member_is_signed_out_and_the_audit_names_who_changed_it()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        var (viewer, session) = await TeamMembers.SignedInAsync(service.Factory.Services, tenant.Id, "viewer");
        using var browser = service.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", session))).StatusCode);

        var disabled = await (await PatchAsync(tenant.Http, $"{Members}/{viewer.Id}", new { status = "disabled" })).JsonAsync();
        Assert.Equal("disabled", disabled["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(TeamMembers.Request(HttpMethod.Get, "/admin", session))).StatusCode);

        var audit = (await tenant.Http.GetFromJsonAsync<JsonNode>("/api/v1/admin/audit"))!.ToJsonString();
        Assert.Contains("member.update", audit);
        Assert.Contains("member.sign_in", audit);
        Assert.Contains($"member {viewer.Email} (password, {viewer.Id})", audit);   // the sign-in names the person and how
        Assert.Contains($"key {tenant.ApiKey[..12]}", audit);                       // the change names the key that made it
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient http, string url, object body) =>
        http.PatchAsync(url, JsonContent.Create(body));
}
