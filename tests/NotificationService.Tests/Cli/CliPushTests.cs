using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Cli.Commands;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Features.Agents.Mcp;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Cli;

/// <summary>
/// `notifications push` and `promote` with a tenant's admin key: an untouched tree changes nothing, an edit lands as a new
/// version (published with --publish) and one audit entry, a broken tree or a refused object changes nothing at all, a
/// tree pulled before someone else's change is refused unless forced, and a promotion makes the target render as the source.
/// </summary>
[Collection("platform")]
public class CliPushTests(PlatformFixture service)
{
    [Fact]
    public async Task Pull_then_push_of_an_untouched_tree_creates_no_version_and_no_audit_entry()
    {
        var tenant = await SeededTenantAsync();
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        var before = await CountsAsync(tenant.Id);
        var output = new StringWriter();
        Assert.Equal(0, await PushCommand.RunAsync(tenant.Http, dir.Path, new(Publish: true), output, Console.Error, default));
        Assert.Contains("No changes.", output.ToString());
        Assert.Equal(before, await CountsAsync(tenant.Id));
        Assert.Equal(0L, await AuditRowsAsync(tenant.Id, "config.push"));
    }

    [Fact]
    public async Task An_edit_pushed_with_publish_is_a_new_published_version_audited_once_as_the_key()
    {
        var tenant = await SeededTenantAsync();
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        dir.Write("templates/receipt/email.en/subject.hbs", "Your receipt {{number}}");
        var output = new StringWriter();
        Assert.Equal(0, await PushCommand.RunAsync(tenant.Http, dir.Path, new(Publish: true), output, Console.Error, default));
        Assert.Contains("template receipt (email.en): changed", output.ToString());
        Assert.Contains("template receipt (email.en): published", output.ToString());

        var receipt = await TemplateAsync(tenant.Http, "receipt");
        Assert.Equal(2, (int)receipt["latestVersion"]!);
        Assert.Equal(2, (int)receipt["publishedVersion"]!);
        Assert.Equal("Your receipt {{number}}", (string?)receipt["parts"]!["subject"]);
        Assert.Equal(1L, await AuditRowsAsync(tenant.Id, "config.push"));
        var again = new StringWriter();   // the manifest now records the tenant's new revision: the same tree pushes as nothing
        Assert.Equal(0, await PushCommand.RunAsync(tenant.Http, dir.Path, new(Publish: true), again, Console.Error, default));
        Assert.Contains("No changes.", again.ToString());
    }

    [Fact]
    public async Task With_an_admin_key_a_console_edit_pulled_again_shows_as_that_edit_and_the_manifests_revision_line()
    {
        var tenant = await SeededTenantAsync();
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        await CliPullTests.GitAsync(dir.Path, "init", "-q");
        await CliPullTests.GitAsync(dir.Path, "add", "-A");
        await CliPullTests.GitAsync(dir.Path, "-c", "user.name=spec", "-c", "user.email=spec@example.com", "commit", "-qm", "pulled");
        var receipt = await TemplateAsync(tenant.Http, "receipt");
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/{receipt.Id()}",
            new { layout = "frame", parts = new { subject = "Your receipt {{number}}", html = "<p>Total {{total}}</p>" } }), 200);
        await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{TemplateApi.Root}/{receipt.Id()}/publish", new { }), 200);   // save and publish
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));

        var files = (await CliPullTests.GitAsync(dir.Path, "diff", "--name-only")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["notifications.json", "templates/receipt/email.en/subject.hbs"], files);
        var manifestLines = (await CliPullTests.GitAsync(dir.Path, "diff", "-U0", "notifications.json")).Split('\n')
            .Where(l => l.Length > 0 && l[0] is '+' or '-' && !l.StartsWith("+++") && !l.StartsWith("---")).ToList();
        Assert.Equal(2, manifestLines.Count);
        Assert.All(manifestLines, l => Assert.Contains("\"revision\": \"r1-", l));
    }

    [Fact]
    public async Task A_broken_template_is_named_at_its_file_and_line_and_nothing_is_sent()
    {
        var tenant = await SeededTenantAsync();
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        dir.Write("layouts/frame.hbs", "<main>{{{body}}}</main><footer>v2</footer>");
        dir.Write("templates/receipt/email.en/html.hbs", "<p>Total {{total}}</p>\n{{#if paid}}\n<p>Paid</p>\n");
        var before = await CountsAsync(tenant.Id);
        var errors = new StringWriter();
        Assert.Equal(1, await PushCommand.RunAsync(tenant.Http, dir.Path, new(Publish: true), TextWriter.Null, errors, default));
        Assert.Matches(@"templates/receipt/email\.en/html\.hbs:\d+: ", errors.ToString());
        Assert.Equal(before, await CountsAsync(tenant.Id));
    }

    [Fact]
    public async Task An_object_the_service_refuses_rolls_back_every_change_before_it()
    {
        var tenant = await SeededTenantAsync();
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        dir.Write("layouts/frame.hbs", "<main>{{{body}}}</main><footer>v2</footer>");         // applied first ...
        dir.Write("templates/receipt/email.en/subject.hbs", "Receipt {{number}} again");      // ... and this ...
        dir.Write("categories/orders.json", """{"name":"Orders","quietHours":"sometimes"}""");  // ... before the service refuses this
        var before = await CountsAsync(tenant.Id);
        var errors = new StringWriter();
        Assert.Equal(1, await PushCommand.RunAsync(tenant.Http, dir.Path, new(Publish: true), TextWriter.Null, errors, default));
        Assert.Contains("categories/orders.json", errors.ToString());
        Assert.Equal(before, await CountsAsync(tenant.Id));
        Assert.Equal("<main>{{{body}}}</main>", (string?)(await tenant.Http.GetJsonAsync($"{TemplateApi.Root}/layouts/frame"))["source"]);
        Assert.Equal(0L, await AuditRowsAsync(tenant.Id, "config.push"));
    }

    [Fact]
    public async Task After_a_refused_push_the_send_path_resolves_the_committed_version_not_the_rolled_back_one()
    {
        var tenant = await SeededTenantAsync();
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        dir.Write("templates/receipt/email.en/subject.hbs", "Receipt {{number}}, new");   // published inside the push ...
        dir.Write("workflows/nudge.json", """
            {"name":"Nudge","published":true,"definition":{"key":"nudge","name":"Nudge",
             "steps":[{"id":"a","type":"send","channel":"email","template":"receipt"},{"id":"b","type":"delay","duration":"soon"}]}}
            """);                                                                           // ... whose workflow is then refused
        var resolver = service.Factory.Services.GetRequiredService<NotificationService.Features.Sending.Templates.TemplateResolver>();
        var committed = await resolver.ResolveAsync(tenant.Id, "receipt", "email", "en", default);
        Assert.Equal(1, await PushCommand.RunAsync(tenant.Http, dir.Path, new(Publish: true), TextWriter.Null, TextWriter.Null, default));
        Assert.Equal(committed, await resolver.ResolveAsync(tenant.Id, "receipt", "email", "en", default));
    }

    [Fact]
    public async Task A_tree_pulled_before_someone_elses_change_is_refused_unless_forced()
    {
        var tenant = await SeededTenantAsync();
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        await TemplateApi.ExpectAsync(await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/layouts/frame", new { source = "<div>{{{body}}}</div>" }), 200);
        dir.Write("templates/receipt/email.en/subject.hbs", "Receipt no. {{number}}");
        var before = await CountsAsync(tenant.Id);
        var errors = new StringWriter();
        Assert.Equal(1, await PushCommand.RunAsync(tenant.Http, dir.Path, new(), TextWriter.Null, errors, default));
        Assert.Contains("changed the tenant's configuration since the tree was pulled", errors.ToString());
        Assert.Equal(before, await CountsAsync(tenant.Id));

        Assert.Equal(0, await PushCommand.RunAsync(tenant.Http, dir.Path, new(Force: true), TextWriter.Null, Console.Error, default));
        Assert.Equal("Receipt no. {{number}}", (string?)(await TemplateAsync(tenant.Http, "receipt"))["parts"]!["subject"]);
        Assert.Equal("<main>{{{body}}}</main>", (string?)(await tenant.Http.GetJsonAsync($"{TemplateApi.Root}/layouts/frame"))["source"]);
    }

    [Fact]
    public async Task Promote_makes_the_target_render_every_template_as_the_source_and_leaves_the_source_alone()
    {
        var (source, target) = (await SeededTenantAsync(), await service.NewTenantAsync());
        await source.Http.CreateTemplateAsync(new { key = "otp", channel = "sms", locale = "en", parts = new { body = "Code {{code}}" } });
        var sourceBefore = await CountsAsync(source.Id);
        var output = new StringWriter();
        Assert.Equal(0, await PromoteCommand.RunAsync(source.Http, target.Http, dryRun: false, publish: true, output, Console.Error, default));
        Assert.Contains("template receipt (email.en): created", output.ToString());
        Assert.Equal(sourceBefore, await CountsAsync(source.Id));

        var data = new JsonObject { ["number"] = "A-7", ["total"] = "12.50", ["code"] = "424242" };
        foreach (var key in new[] { "receipt", "otp" })
        {
            var (a, b) = (await TemplateAsync(source.Http, key), await TemplateAsync(target.Http, key));
            var preview = new { data };
            var fromSource = await TemplateApi.ExpectAsync(await source.Http.PostJsonAsync($"{TemplateApi.Root}/{a.Id()}/preview", preview), 200);
            var fromTarget = await TemplateApi.ExpectAsync(await target.Http.PostJsonAsync($"{TemplateApi.Root}/{b.Id()}/preview", preview), 200);
            Assert.Equal(fromSource["parts"]!.ToJsonString(), fromTarget["parts"]!.ToJsonString());
        }
        var again = new StringWriter();
        Assert.Equal(0, await PromoteCommand.RunAsync(source.Http, target.Http, dryRun: false, publish: true, again, Console.Error, default));
        Assert.Contains("No changes.", again.ToString());
    }

    [Fact]
    public async Task A_members_token_works_as_its_role_allows_a_viewer_pulls_but_cannot_push_an_editors_push_is_audited_as_them()
    {
        var tenant = await SeededTenantAsync();
        using var dir = new TreeDir();
        var (_, viewerToken) = await service.MemberTokenAsync(tenant, "viewer");
        using var viewer = service.Client(viewerToken);
        Assert.Equal(0, await PullCommand.RunAsync(viewer, null, dir.Path, TextWriter.Null, Console.Error, default));
        dir.Write("templates/receipt/email.en/subject.hbs", "Receipt {{number}} (viewer)");
        var before = await CountsAsync(tenant.Id);
        Assert.Equal(1, await PushCommand.RunAsync(viewer, dir.Path, new(Publish: true), TextWriter.Null, TextWriter.Null, default));
        Assert.Equal(before, await CountsAsync(tenant.Id));

        var (editor, editorToken) = await service.MemberTokenAsync(tenant, "editor");
        using var editorHttp = service.Client(editorToken);
        Assert.Equal(0, await PushCommand.RunAsync(editorHttp, dir.Path, new(Publish: true), TextWriter.Null, Console.Error, default));
        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?action=config.push");
        Assert.Contains($"member {editor.Email}", audit);
        Assert.Contains("template receipt (email.en): published", audit);
    }

    [Fact]
    public async Task A_malformed_push_document_is_a_400_naming_the_field_and_changes_nothing()
    {
        var tenant = await SeededTenantAsync();
        var config = await tenant.Http.GetJsonAsync("/api/v1/admin/config");
        var before = await CountsAsync(tenant.Id);
        var problem = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync("/api/v1/admin/config/push", new
        {
            revision = (string?)config["revision"],
            layouts = new[] { new { name = "frame", source = "<main>{{{body}}}</main><hr>" } },
            templates = new[] { new { key = "receipt", channel = "email", locale = "en", parts = new { subject = "{{#each}}" }, published = true } },
        }), 400);
        Assert.Contains(problem.ErrorKeys(), k => k.StartsWith("templates[0].", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync(tenant.Id));
    }

    private Task<TestTenant> SeededTenantAsync() => service.SeededTenantAsync();
    private static Task<JsonNode> TemplateAsync(HttpClient http, string key) => ConfigPushTenants.TemplateAsync(http, key);
    private Task<string> CountsAsync(Guid tenantId) => service.CountsAsync(tenantId);
    private Task<long> AuditRowsAsync(Guid tenantId, string action) => service.AuditRowsAsync(tenantId, action);
}
