using System.Net;
using System.Net.Http.Json;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// An invited owner is not an owner yet, and an owner's invitation is the owners' to change or resend: an owner leaving
/// while another is only invited, and an admin re-inviting or resending that address at the same moment, leave the team
/// its active owner and give the admin no live link to an owner's invitation.
/// </summary>
[Collection("service")]
public class OwnerInvitationTests(ServiceFixture service)
{
    private const string Members = "/api/v1/admin/members";
    private const int Rounds = 100;

    [Fact]
    public async Task An_owner_leaving_beside_an_invited_owner_while_an_admin_reinvites_that_owner_keeps_an_owner_and_the_invitation_in_every_round()
    {
        var orphaned = new List<string>();
        var takenOver = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
            var (owner, ownerApi) = await TeamMembers.WithTokenAsync(service, tenant.Id, "owner");
            var (_, adminApi) = await TeamMembers.WithTokenAsync(service, tenant.Id, "admin");
            var email = $"next-owner-{round}@example.com";
            Assert.Equal(HttpStatusCode.Created, (await ownerApi.PostJsonAsync($"{Members}/invitations", new { email, role = "owner" })).StatusCode);

            var leave = Task.Run(() => ownerApi.PatchAsync($"{Members}/{owner.Id}", JsonContent.Create(new { role = "admin" })));
            var takeOver = Task.Run(() => adminApi.PostJsonAsync($"{Members}/invitations", new { email, role = "admin" }));
            await Task.WhenAll(leave, takeOver);

            var answers = $"leave {leave.Result.StatusCode}, re-invite {takeOver.Result.StatusCode}";
            Assert.True((int)leave.Result.StatusCode < 500 && (int)takeOver.Result.StatusCode < 500, answers);
            if (await ActiveOwnersAsync(tenant.Id) == 0) orphaned.Add($"round {round}: {answers}");
            var invitation = await service.ScalarAsync<string>(
                "select role || ' ' || status from members where tenant_id = $1 and email = $2", tenant.Id, email);
            if (takeOver.Result.IsSuccessStatusCode || invitation != "owner invited") takenOver.Add($"round {round}: {answers}, now {invitation}");
            else
            {
                // The owner's invitation is not the admin's: a 403 naming the field, with no link in it.
                var refusal = await takeOver.Result.JsonAsync();
                Assert.Equal(HttpStatusCode.Forbidden, takeOver.Result.StatusCode);
                Assert.NotNull(refusal["errors"]!["email"]);
                Assert.Null(refusal["inviteUrl"]);
                // The invited owner is not an owner who can sign in yet: the only active one stays.
                Assert.Equal(HttpStatusCode.Conflict, leave.Result.StatusCode);
            }
        }
        Assert.True(orphaned.Count == 0, $"{orphaned.Count} of {Rounds} tenants left without an active owner:\n{string.Join("\n", orphaned)}");
        Assert.True(takenOver.Count == 0,
            $"{takenOver.Count} of {Rounds} owner invitations taken over by an admin:\n{string.Join("\n", takenOver.Take(5))}");
    }

    [Fact]
    public async Task An_admin_resending_an_invitation_while_an_owner_raises_it_to_owner_never_keeps_a_live_link_to_an_owner_invitation()
    {
        var leaks = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
            var (_, ownerApi) = await TeamMembers.WithTokenAsync(service, tenant.Id, "owner");
            var (_, adminApi) = await TeamMembers.WithTokenAsync(service, tenant.Id, "admin");
            var email = $"raised-{round}@example.com";
            var first = await adminApi.PostJsonAsync($"{Members}/invitations", new { email, role = "admin" });
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);

            var raise = Task.Run(() => ownerApi.PostJsonAsync($"{Members}/invitations", new { email, role = "owner" }));
            var resend = Task.Run(() => adminApi.PostJsonAsync($"{Members}/invitations", new { email, role = "admin" }));
            await Task.WhenAll(raise, resend);

            var answers = $"raise {raise.Result.StatusCode}, resend {resend.Result.StatusCode}";
            Assert.True((int)raise.Result.StatusCode < 500 && (int)resend.Result.StatusCode < 500, answers);
            var role = await service.ScalarAsync<string>("select role from members where tenant_id = $1 and email = $2", tenant.Id, email);
            if (role != "owner" || !resend.Result.IsSuccessStatusCode) continue;
            var url = (await resend.Result.JsonAsync())["inviteUrl"]!.GetValue<string>();
            var secret = url[(url.LastIndexOf('.') + 1)..];
            var live = await service.ScalarAsync<long>("""
                select count(*) from member_links where tenant_id = $1 and token_hash = sha256($2) and used_at is null and revoked_at is null
                """, tenant.Id, System.Text.Encoding.ASCII.GetBytes(secret));
            if (live > 0) leaks.Add($"round {round}: {answers}");
        }
        Assert.True(leaks.Count == 0,
            $"{leaks.Count} of {Rounds} admins hold a live link to an owner's invitation:\n{string.Join("\n", leaks)}");
    }

    private Task<long> ActiveOwnersAsync(Guid tenantId) => TeamMembers.ActiveOwnersAsync(service, tenantId);
}
