using System.Net;
using System.Text;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Notifications;

/// <summary>Bad input gets a ProblemDetails naming each field, and nothing is written.</summary>
[Collection("service")]
public class ValidationTests(ServiceFixture service)
{
    private async Task<long> NotificationCount(Guid tenant) => await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant);

    [Fact]
    public async Task Every_bad_field_is_named_and_nothing_is_written()
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(Api.Send, new
        {
            channels = new[] { "sms", "in_app", "fax" },
            recipient = new { email = "not-an-email", phone = "0123" },
            content = new { body = "x" },
            priority = "urgent",
            locale = "not a locale",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.JsonAsync())["errors"]!.AsObject();
        Assert.Equal(["channels[2]", "locale", "priority", "recipient.email", "recipient.phone", "recipient.userId"], errors.Select(e => e.Key).Order());
        Assert.Equal(0, await NotificationCount(tenant.Id));
    }

    [Theory]
    [InlineData("""{"channel":"email","recipient":{"email":"a@b.co"},"content":{"subject":"s","body":"b"},"colour":"red"}""", "colour")]
    [InlineData("""{"channel":"email","recipient":{"email":"a@b.co","fax":"1"},"content":{"subject":"s","body":"b"}}""", "recipient.fax")]
    [InlineData("""{"channel":"email","recipient":{"email":"a@b.co"},"content":{"subject":"s","body":"b"}""", "$")]
    [InlineData("""{"channel":"email","recipient":{"email":"a@b.co"},"content":{"subject":"s","body":"b"},"priority":7}""", "priority")]
    public async Task Unknown_properties_and_malformed_json_are_400_naming_the_path(string body, string field)
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(Api.Send, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync())["errors"]!.AsObject().ContainsKey(field), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_callers_metadata_cannot_mark_a_send_as_a_workflow_test_run()
    {
        // Obeyed, the mark would take the send to the sandbox and out of the tenant's analytics.
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(Api.Send, new
        {
            channel = "email", recipient = new { email = "a@b.co" }, content = new { subject = "s", body = "b" },
            metadata = new { workflowTestRun = "true" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["metadata.workflowTestRun"], (await response.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(0, await NotificationCount(tenant.Id));
    }

    [Fact]
    public async Task Wrong_content_type_is_415_and_a_body_over_1_MB_is_413()
    {
        var tenant = await service.NewTenantAsync();
        var form = await tenant.Http.PostAsync(Api.Send, new StringContent("channel=email", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);

        var huge = new string('x', 1_100_000);
        var big = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "email", recipient = new { email = "a@b.co" }, content = new { subject = "s", body = huge } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal(413, (await big.JsonAsync())["status"]!.GetValue<int>());
        Assert.Equal(0, await NotificationCount(tenant.Id));
    }

    [Fact]
    public async Task A_channel_without_an_enabled_provider_is_422_naming_the_channel()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: "{}", "email");
        var response = await tenant.Http.PostJsonAsync(Api.Send, new { channels = new[] { "email", "whatsapp" }, recipient = new { email = "a@b.co", phone = "+14155550100" }, content = new { subject = "s", body = "b" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("'whatsapp'", (await response.JsonAsync())["errors"]!["channels"]![0]!.GetValue<string>());
        Assert.Equal(0, await NotificationCount(tenant.Id));
    }

    [Fact]
    public async Task An_unknown_template_is_422()
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "email", recipient = new { email = "a@b.co" }, template = "nope" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.JsonAsync())["errors"]!.AsObject().ContainsKey("template"));
    }
}
