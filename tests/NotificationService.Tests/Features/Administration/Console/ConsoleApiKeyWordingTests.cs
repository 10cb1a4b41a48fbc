using NotificationService.Features.Administration.Members;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>A member signs in as a person, not with a key: the key form names what bounds the scopes a member can grant
/// (their role), not "your own key".</summary>
[Collection("console")]
public class ConsoleApiKeyWordingTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_member_creating_a_key_reads_that_their_role_bounds_its_scopes()
    {
        var tenant = await console.NewTenantAsync();
        using var http = await MemberClients.HttpAsync(console, tenant.Id, MemberRoles.Admin);

        var html = await http.GetStringAsync("/admin/api-keys");
        Assert.DoesNotContain("your own key", html);
        Assert.Contains("<legend>Scopes (those your role may grant)</legend>", html);
    }
}
