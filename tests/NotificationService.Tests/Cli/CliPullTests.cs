using System.Diagnostics;
using NotificationService.Cli.Commands;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Cli;

/// <summary>
/// `notifications pull` and `diff` against the service: a tenant's configuration lands as a tree that validates, an edit
/// made in the console (saved and published) is what `diff` names, and after a pull it shows in `git diff` as only that edit.
/// </summary>
[Collection("platform")]
public class CliPullTests(PlatformFixture service)
{
    [Fact]
    public async Task A_console_edit_is_what_diff_names_and_pulled_again_shows_in_git_diff_as_only_that_edit()
    {
        var tenant = await service.NewTenantAsync();
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/layouts/frame", new { source = "<main>{{{body}}}</main>" }), 201);
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/partials/sig", new { source = "-- Acme" }), 201);
        var template = await tenant.Http.CreateTemplateAsync(new
        {
            key = "receipt", channel = "email", locale = "en", layout = "frame",
            parts = new { subject = "Receipt {{number}}", html = "<p>Total {{total}}</p>{{> sig}}" },
        });
        await tenant.Http.PublishWorkflowAsync("""{"key":"nudge","name":"Nudge","steps":[{"id":"a","type":"send","channel":"email","template":"receipt"}]}""");
        await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" }), 201);
        var dir = Directory.CreateTempSubdirectory("ns-cli-pull-").FullName;
        try
        {
            Assert.Equal(0, await PullCommand.RunAsync(service.Platform(), tenant.Id, dir, TextWriter.Null, Console.Error, CancellationToken.None));
            Assert.True(File.Exists(Path.Combine(dir, "templates", "receipt", "email.en", "html.hbs")));
            // Files of the user's own beside the pulled ones: what pull, diff and push must leave alone.
            await File.WriteAllTextAsync(Path.Combine(dir, "templates", "receipt", "email.en", "sample.json"), """{"number": 7, "total": "9.00"}""");
            await File.WriteAllTextAsync(Path.Combine(dir, "README.md"), "Our notifications\n");
            Assert.Equal(0, ValidateCommand.Run(dir, TextWriter.Null, Console.Error));
            await GitAsync(dir, "init", "-q");
            await GitAsync(dir, "add", "-A");
            await GitAsync(dir, "-c", "user.name=spec", "-c", "user.email=spec@example.com", "commit", "-qm", "pulled");

            Assert.Equal(0, await PullCommand.RunAsync(service.Platform(), tenant.Id, dir, TextWriter.Null, Console.Error, CancellationToken.None));
            Assert.Equal("", await GitAsync(dir, "status", "--porcelain"));   // the same bytes, and the user's files still there

            await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/{template.Id()}",
                new { layout = "frame", parts = new { subject = "Your receipt {{number}}", html = "<p>Total {{total}}</p>{{> sig}}" } }), 200);
            await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{TemplateApi.Root}/{template.Id()}/publish", new { }), 200);   // save and publish
            var diff = new StringWriter();
            Assert.Equal(1, await DiffCommand.RunAsync(service.Platform(), tenant.Id, dir, diff, Console.Error, CancellationToken.None));
            Assert.Equal("""
                template receipt (email.en): changed: subject.hbs
                --- a/templates/receipt/email.en/subject.hbs
                +++ b/templates/receipt/email.en/subject.hbs
                @@ -1,1 +1,1 @@
                -Your receipt {{number}}
                +Receipt {{number}}

                """.Replace("\r\n", "\n"), diff.ToString().Replace("\r\n", "\n"));   // the service's side first: what a push would undo
            Assert.Equal(0, await PullCommand.RunAsync(service.Platform(), tenant.Id, dir, TextWriter.Null, Console.Error, CancellationToken.None));

            Assert.True("templates/receipt/email.en/subject.hbs" == (await GitAsync(dir, "diff", "--name-only")).Trim(), await GitAsync(dir, "diff"));
            var changed = (await GitAsync(dir, "diff", "-U0")).Split('\n').Where(l => l.Length > 0 && l[0] is '+' or '-' && !l.StartsWith("+++") && !l.StartsWith("---"));
            Assert.Equal(["-Receipt {{number}}", "+Your receipt {{number}}"], changed);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    internal static async Task<string> GitAsync(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var errors = git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {await errors}");
        return await output;
    }
}
