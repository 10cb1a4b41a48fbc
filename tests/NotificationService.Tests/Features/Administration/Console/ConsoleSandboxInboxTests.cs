using System.Net;
using System.Text.RegularExpressions;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The sandbox inbox as a person reads it: a message's subject before its body, a text part's lines kept, and an invitation
/// recorded there is not said to have been emailed.</summary>
[Collection("console")]
public partial class ConsoleSandboxInboxTests(ConsoleFixture console)
{
    [Fact]
    public async Task An_invitation_through_the_sandbox_says_it_was_recorded_in_the_sandbox_inbox_not_emailed()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        using var http = new ConsoleHttp(console.BaseAddress);
        await http.SignInAsync(console, tenant);

        using var answer = await http.PostFormAsync("/admin/members?handler=Invite", await http.TokenAsync("/admin/members"),
            [("email", $"new-{Guid.NewGuid():N}@example.com"), ("role", MemberRoles.Editor)]);
        var invited = InvitedCard().Match(await answer.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(invited.Success, "no invitation card on the answer");
        Assert.DoesNotContain("emailed through your email provider", invited.Value);
        Assert.Contains("sandbox inbox", invited.Value);
        Assert.Contains("href=\"/admin/sandbox\"", invited.Value);
    }

    [Fact]
    public async Task A_message_shows_its_subject_above_its_body_and_keeps_the_bodys_line_breaks()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        var id = await tenant.Http.SendOkAsync(Api.Email(subject: "Water off tomorrow", body: "First line\nSecond line\n\nAfter a blank line"));
        await tenant.Http.WaitForStatusAsync(id, "sent");
        using var http = await MemberClients.HttpAsync(console, tenant.Id, MemberRoles.Owner);

        var html = await http.GetStringAsync("/admin/sandbox");

        var subject = html.IndexOf("Water off tomorrow", StringComparison.Ordinal);
        var body = html.IndexOf("First line", StringComparison.Ordinal);
        Assert.True(subject >= 0 && body >= 0, "the message's subject or body is not on the page");
        Assert.True(subject < body, "the subject comes after the body");
        Assert.True(PreservedText().IsMatch(html), html[Math.Max(0, subject - 200)..Math.Min(html.Length, body + 300)]);
    }

    [GeneratedRegex("""<div class="card" role="status" id="invited">.*?</div>""", RegexOptions.Singleline)]
    private static partial Regex InvitedCard();

    /// <summary>The body in an element that keeps its newlines (a pre), not a paragraph that folds them into spaces; Razor writes
    /// a newline as `&amp;#xA;`, which the browser reads back as one.</summary>
    [GeneratedRegex("<pre class=\"part\">First line(\n|&#xA;)Second line(\n|&#xA;){2}After a blank line</pre>")]
    private static partial Regex PreservedText();
}
