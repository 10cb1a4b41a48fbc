using System.Text.RegularExpressions;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The team (its members, its single sign-on) is its own menu, not a setting: on the Members page the menu
/// marked as where you are is Team, and single sign-on has an entry beside Members.</summary>
[Collection("console")]
public partial class ConsoleTeamNavigationTests(ConsoleFixture console)
{
    [Fact]
    public async Task Members_and_single_sign_on_are_under_Team_and_the_Members_page_marks_Team_as_where_you_are()
    {
        var tenant = await console.NewTenantAsync();
        using var http = await MemberClients.HttpAsync(console, tenant.Id, MemberRoles.Owner);

        var html = await http.GetStringAsync("/admin/members");
        var current = CurrentGroup().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["Team"], current);
        var team = TeamGroup().Match(html);
        Assert.True(team.Success, "no Team menu in the navigation");
        Assert.Contains("href=\"/admin/members\"", team.Value);
        Assert.Contains("href=\"/admin/sso\"", team.Value);
    }

    [GeneratedRegex("""<details name="console-nav" class="group current">\s*<summary>([^<]+)</summary>""")]
    private static partial Regex CurrentGroup();

    [GeneratedRegex("""<summary>Team</summary>.*?</details>""", RegexOptions.Singleline)]
    private static partial Regex TeamGroup();
}
