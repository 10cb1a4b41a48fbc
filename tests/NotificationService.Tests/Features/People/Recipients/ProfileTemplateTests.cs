using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Recipients;

/// <summary>
/// Templates see the person: `{{recipient.name}}`, `{{recipient.locale}}`, `{{recipient.data.*}}` and the rest come from
/// the profile without the sender passing them; the profile's locale picks the template variant of a send that names
/// none; preview takes a userId or a sample profile; a CSV job is not refused for variables the profiles supply.
/// </summary>
[Collection("service")]
public class ProfileTemplateTests(ServiceFixture service)
{
    private static object Welcome => new
    {
        key = "welcome", channel = "email", locale = "en", description = "Welcome",
        parts = new { subject = "Welcome {{recipient.name}}", text = "{{recipient.userId}} {{recipient.email}} {{recipient.locale}} {{recipient.timezone}} plan={{recipient.data.plan}}" },
    };

    [Fact]
    public async Task A_template_reads_the_recipients_name_locale_and_data_from_the_profile_without_data_in_the_send()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(Welcome);
        await tenant.Http.IdentifyAsync("gus", new { email = "gus@example.com", name = "Gus", locale = "en-GB", timezone = "Europe/London", data = new { plan = "pro" } });

        var id = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = "gus" }, template = "welcome" });
        await service.Ledger.WaitForAsync(id, "sent");
        var content = await service.SandboxContentAsync(id);
        Assert.Equal("Welcome Gus", content["subject"]!.GetValue<string>());
        Assert.Equal("gus gus@example.com en-GB Europe/London plan=pro", content["body"]!.GetValue<string>());

        // A profile without the name the template requires fails that notification, naming the variable.
        await tenant.Http.IdentifyAsync("nameless", new { email = "nameless@example.com", data = new { plan = "free" } });
        var nameless = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = "nameless" }, template = "welcome" });
        Assert.Contains("recipient.name", (await service.Ledger.WaitForAsync(nameless, "failed")).Error);
    }

    [Fact]
    public async Task The_profiles_locale_picks_the_template_variant_when_the_send_names_no_locale()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "greet", channel = "email", locale = "en", parts = new { subject = "Hello", text = "Hello" } });
        await tenant.Http.CreateTemplateAsync(new { key = "greet", channel = "email", locale = "fr", parts = new { subject = "Bonjour", text = "Bonjour" } });
        await tenant.Http.IdentifyAsync("hal", new { email = "hal@example.com", locale = "fr-CA" });
        await tenant.Http.IdentifyAsync("ivy", new { email = "ivy@example.com" });

        async Task<string> SubjectAsync(object send)
        {
            var id = await tenant.Http.SendOkAsync(send);
            await service.Ledger.WaitForAsync(id, "sent");
            return (await service.SandboxContentAsync(id))["subject"]!.GetValue<string>();
        }
        Assert.Equal("Bonjour", await SubjectAsync(new { channel = "email", recipient = new { userId = "hal" }, template = "greet" }));
        Assert.Equal("Hello", await SubjectAsync(new { channel = "email", recipient = new { userId = "hal" }, template = "greet", locale = "en" }));
        Assert.Equal("Hello", await SubjectAsync(new { channel = "email", recipient = new { userId = "ivy" }, template = "greet" }));

        var batch = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "email", template = "greet", recipients = new object[] { new { userId = "hal" }, new { userId = "ivy" } },
        });
        var batchId = Guid.Parse((await batch.Content.ReadFromJsonAsync<JsonNode>())!["batchId"]!.GetValue<string>());
        Assert.Equal("fr,en", await service.ScalarAsync<string>(
            "select string_agg(locale, ',' order by recipient->>'userId') from notifications where batch_id = $1", batchId));
    }

    [Fact]
    public async Task Preview_takes_a_userId_or_a_sample_recipient_profile()
    {
        var tenant = await service.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(Welcome);
        await tenant.Http.IdentifyAsync("jo", new { email = "jo@example.com", name = "Jo", locale = "en", timezone = "UTC", data = new { plan = "team" } });
        var preview = $"{TemplateApi.Root}/{template.Id()}/preview";

        var byUser = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync(preview, new { userId = "jo" }), 200);
        Assert.Equal("Welcome Jo", byUser["parts"]!["subject"]!.GetValue<string>());
        Assert.Empty(byUser["missingVariables"]!.AsArray());

        var sample = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync(preview, new { recipient = new { name = "Sample", data = new { plan = "x" } } }), 200);
        Assert.Equal("Welcome Sample", sample["parts"]!["subject"]!.GetValue<string>());

        var unknown = await tenant.Http.PostJsonAsync(preview, new { userId = "nobody" });
        Assert.Equal((HttpStatusCode)422, unknown.StatusCode);
        Assert.Equal(["userId"], await unknown.ErrorFieldsAsync());
        var badSample = await tenant.Http.PostJsonAsync(preview, new { recipient = new { timezone = "Nowhere/Land" } });
        Assert.Equal(["recipient.timezone"], await badSample.ErrorFieldsAsync());
    }

    [Fact]
    public async Task A_CSV_job_is_not_refused_for_recipient_variables_its_rows_profiles_supply()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(Welcome);
        await tenant.Http.IdentifyAsync("kit", new { email = "kit@example.com", name = "Kit", locale = "en", timezone = "UTC", data = new { plan = "pro" } });

        var upload = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("user_id\nkit\n"), template: "welcome");
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var jobId = Guid.Parse((await upload.Content.ReadFromJsonAsync<JsonNode>())!["jobId"]!.GetValue<string>());
        Assert.Equal("completed", (await BulkCsv.WaitFinishedAsync(tenant.Http, jobId))["status"]!.GetValue<string>());
        var id = await Eventually.Async(() => service.ScalarAsync<Guid>("select id from notifications where batch_id = $1 and status = 'sent'", jobId),
            found => found != Guid.Empty, "the row to be sent");
        Assert.Equal("Welcome Kit", (await service.SandboxContentAsync(id))["subject"]!.GetValue<string>());
    }
}
