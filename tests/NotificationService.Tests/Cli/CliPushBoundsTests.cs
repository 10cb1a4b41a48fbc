using NotificationService.Cli.Commands;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Cli;

/// <summary>
/// What a push must never do: publish a template that would make the tenant's accepted sends fail (refused with the variable
/// named, nothing written), touch another tenant's objects, or answer a malformed document with anything but a 400 naming the
/// field and nothing written.
/// </summary>
[Collection("platform")]
public class CliPushBoundsTests(PlatformFixture service)
{
    [Fact]
    public async Task A_template_whose_publish_would_fail_accepted_sends_is_refused_naming_the_variable_and_nothing_changes()
    {
        var tenant = await service.SeededTenantAsync();
        await tenant.Http.SendOkAsync(new
        {
            channel = "email", recipient = new { email = "ada@example.com" }, template = "receipt",
            data = new { number = "A-1", total = "3.00" },
        });
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        dir.Write("templates/receipt/email.en/html.hbs", "<p>Total {{total}}, paid by {{payer}}</p>");
        var before = await service.CountsAsync(tenant.Id);

        var errors = new StringWriter();
        Assert.Equal(1, await PushCommand.RunAsync(tenant.Http, dir.Path, new(Publish: true), TextWriter.Null, errors, default));
        Assert.Contains("template receipt (email.en): Version 2 requires payer", errors.ToString());
        Assert.Equal(before, await service.CountsAsync(tenant.Id));
        Assert.Equal(0L, await service.AuditRowsAsync(tenant.Id, "config.push"));
    }

    [Fact]
    public async Task Push_forced_push_and_promote_leave_a_bystander_tenants_objects_as_they_were()
    {
        var (tenant, other) = (await service.SeededTenantAsync(), await service.SeededTenantAsync());
        var bystander = await service.SeededTenantAsync();
        var untouched = await service.CountsAsync(bystander.Id);
        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(tenant.Http, null, dir.Path, TextWriter.Null, Console.Error, default));
        dir.Write("layouts/frame.hbs", "<main>{{{body}}}</main><footer>v2</footer>");
        dir.Write("templates/receipt/email.en/subject.hbs", "Receipt {{number}}, again");
        var forced = new PushCommand.Choices(Publish: true, Force: true);
        Assert.Equal(0, await PushCommand.RunAsync(tenant.Http, dir.Path, forced, TextWriter.Null, Console.Error, default));
        Assert.Equal(0, await PromoteCommand.RunAsync(tenant.Http, other.Http, false, publish: true, TextWriter.Null, Console.Error, default));

        Assert.Equal("Receipt {{number}}, again", await SubjectAsync(other));
        Assert.Equal(untouched, await service.CountsAsync(bystander.Id));
        Assert.Equal("Receipt {{number}}", await SubjectAsync(bystander));
        Assert.Equal(0L, await service.AuditRowsAsync(bystander.Id, "config.push"));
    }

    public static TheoryData<string, string> MalformedDocuments => new()
    {
        { """{"force":true,"templates":[null]}""", "templates[0]" },
        { """{"force":true,"layouts":[null]}""", "layouts[0]" },
        { """{"force":true,"categories":[null]}""", "categories[0]" },
        { """{"force":true,"topics":[null]}""", "topics[0]" },
        { """{"force":true,"workflows":[null]}""", "workflows[0]" },
        { """{"force":true,"layouts":[{"source":"<main>{{{body}}}</main>"}]}""", "layouts[0].name" },
        { """{"force":true,"templates":[{"channel":"email","locale":"en","parts":{"subject":"x"}}]}""", "templates[0]" },
        { """{"force":true,"templates":[{"key":"receipt","channel":"email","locale":"en"}]}""", "templates[0]" },
        { """{"force":true,"categories":[{"name":"No key"}]}""", "categories[0]" },
        { """{"force":true,"workflows":[{"key":"nudge","definition":"not an object"}]}""", "workflows[0]" },
        { """{"force":true,"templates":{"key":"receipt"}}""", "templates" },
        { """{"force":true,"partials":[{"source":"<b>{{name}}</b>"}]}""", "partials[0].name" },
        { """{"force":true,"topics":[{"key":"news","name":" "}]}""", "topics[0].name" },
        { """{"force":true,"topics":[{"key":"news","name":"News","description":null},{"key":"x y","name":"X"}]}""", "topics[1].key" },
        { """{"force":true,"workflows":[{"definition":{"key":"nudge","name":"Nudge","steps":[]}}]}""", "workflows[0]" },
        { """{"force":true,"templates":[{"key":"receipt","channel":"email","locale":"en","parts":{"subject":null}}]}""", "templates[0]" },
        { """{"force":true,"templates":[{"key":"receipt","channel":"email","locale":"en","parts":{"subject":"A","html":"B"},"optionalVariables":[null]}]}""",
            "templates[0]" },
        { """{"force":true,"revision":7}""", "revision" },
        { """{"force":true,"templates":[{"key":"otp","channel":"sms","locale":"en","parts":{"body":"A"}},{"key":"otp","channel":"sms","locale":"en","parts":{"body":"B"}}]}""", "templates[1].key" },
        { """{"force":true,"templates":[{"key":"otp","channel":"sms","locale":"en-gb","parts":{"body":"A"}},{"key":"otp","channel":"sms","locale":"en-GB","parts":{"body":"B"}}]}""",
            "templates[1].key" },
        { """{"force":true,"workflows":[{"key":"w2","definition":{"key":"w2","name":"W","steps":[{"id":"a","type":"send","channel":"email","template":"receipt"}]}},{"key":"w2","definition":{"key":"w2","name":"W","steps":[{"id":"b","type":"send","channel":"email","template":"receipt"}]}}]}""", "workflows[1].key" },
        { """{"force":true,"categories":[{"key":"c2","name":"C"},{"key":"c2","name":"C again"}]}""", "categories[1].key" },
        { """{"force":true,"templates":[{"key":"receipt","channel":"email","locale":"en","layout":"nowhere","parts":{"subject":"A","html":"B"}}]}""", "templates[0]" },
    };

    [Theory, MemberData(nameof(MalformedDocuments))]
    public async Task A_malformed_document_is_a_400_naming_its_field_and_writes_nothing(string document, string field)
    {
        var tenant = await service.SeededTenantAsync();
        var before = await service.CountsAsync(tenant.Id);
        var response = await tenant.Http.PostJsonAsync("/api/v1/admin/config/push", document);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 400, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Contains((await response.JsonAsync()).ErrorKeys(), k => k.StartsWith(field, StringComparison.Ordinal));
        Assert.Equal(before, await service.CountsAsync(tenant.Id));
    }

    private static async Task<string?> SubjectAsync(TestTenant tenant) =>
        (string?)(await ConfigPushTenants.TemplateAsync(tenant.Http, "receipt"))["parts"]!["subject"];
}
