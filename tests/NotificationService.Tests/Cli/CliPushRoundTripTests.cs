using NotificationService.Cli.Commands;
using NotificationService.Tests.Features.Administration.Platform;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Cli;

/// <summary>
/// Pull then push is lossless for every kind of object a push writes, not only the simple ones: a described layout, a
/// partial, a template that uses it, one in a regional locale with an optional variable, a template and a workflow whose
/// latest version is a draft (a push with --publish must not publish it), a branching workflow, a category with channels,
/// flags and quiet-hours behaviour, a described topic. The push says "No changes." and writes nothing.
/// </summary>
[Collection("platform")]
public class CliPushRoundTripTests(PlatformFixture service)
{
    [Fact]
    public async Task Pull_then_push_with_publish_of_every_kind_of_object_writes_nothing()
    {
        var tenant = await service.NewTenantAsync();
        var http = tenant.Http;
        var frame = new { source = "<main>{{{body}}}</main>", description = "The frame" };
        await Ok(http.PutJsonAsync($"{TemplateApi.Root}/layouts/frame", frame));
        await http.CreateTemplateAsync(new
        {
            key = "receipt", channel = "email", locale = "en", layout = "frame",
            parts = new { subject = "Receipt {{number}}", html = "<p>{{total}}</p>" },
        });
        await Ok(http.PutJsonAsync($"{TemplateApi.Root}/partials/footer", new { source = "<small>{{company}}</small>" }));
        await http.CreateTemplateAsync(new
        {
            key = "welcome", channel = "email", locale = "en", parts = new { subject = "Hi", html = "<p>Hi</p>{{> footer}}" },
        });
        await http.CreateTemplateAsync(new
        {
            key = "otp", channel = "sms", locale = "de-CH", description = "Login code", optionalVariables = new[] { "name" },
            parts = new { body = "Code {{code}} {{name}}" },
        });
        var receipt = await ConfigPushTenants.TemplateAsync(http, "receipt");
        var draft = new { parts = new { subject = "Receipt {{number}} (draft)", html = "<p>{{total}}</p>" } };
        await Ok(http.PutJsonAsync($"{TemplateApi.Root}/{receipt.Id()}", draft));
        await http.AddEscalationTemplatesAsync();
        await http.PublishWorkflowAsync(WorkflowApi.Escalation);
        var draftFlow = WorkflowApi.Escalation.Replace("Order update", "Order update, draft");
        await Ok(http.PutAsync($"{WorkflowApi.Admin}/order-update", WorkflowApi.Json(draftFlow)));
        await Ok(http.PostJsonAsync("/api/v1/admin/categories", new
        {
            key = "alerts", name = "Alerts", description = "Security", required = true, quietHours = "drop",
            channels = new { sms = false },
        }));
        await Ok(http.PutJsonAsync("/api/v1/services/topics/launches", new { name = "Launches", description = "New products" }));

        using var dir = new TreeDir();
        Assert.Equal(0, await PullCommand.RunAsync(http, null, dir.Path, TextWriter.Null, Console.Error, default));
        var before = await service.CountsAsync(tenant.Id);
        var output = new StringWriter();
        Assert.Equal(0, await PushCommand.RunAsync(http, dir.Path, new(Publish: true), output, Console.Error, default));
        Assert.Equal("No changes.", output.ToString().Trim());
        Assert.Equal(before, await service.CountsAsync(tenant.Id));
        Assert.Equal(0L, await service.AuditRowsAsync(tenant.Id, "config.push"));
    }

    private static async Task Ok(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
