using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.Templates.TemplateApi;

namespace NotificationService.Tests.Features.Sending.Notifications;

/// <summary>
/// A send whose data lacks a variable its template requires is refused at accept (422 naming `data` and the variables,
/// nothing stored), by every entry: a send, a batch recipient, a topic send, a CSV row. Accepted, it could only fail at
/// delivery. And a publish whose version requires what recent sends did not carry is refused unless confirmed.
/// </summary>
[Collection("service")]
public class RequiredDataTests(ServiceFixture service)
{
    private const string Welcome = "<p>Hi {{user.firstName}} {{user.lastName}}{{#if user.nickname}} ({{user.nickname}}){{/if}}</p>";

    private static object WelcomeTemplate(string html = Welcome) =>
        new { key = "welcome", channel = "email", locale = "en", description = "Welcome", parts = new { subject = "Welcome {{user.firstName}}", html } };

    private static object Send(object data, object? recipient = null) =>
        new { channel = "email", recipient = recipient ?? new { email = "ada@example.com" }, template = "welcome", data };

    private Task<long> NotificationsOf(TestTenant tenant) =>
        service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id);

    [Fact]
    public async Task A_send_missing_a_required_variable_is_a_422_naming_it_under_data_and_nothing_is_stored()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(WelcomeTemplate());

        var refused = await ExpectAsync(await tenant.Http.PostJsonAsync(Api.Send, Send(new { user = new { firstName = "Ada" } })), 422);

        Assert.Equal(["data"], refused.ErrorKeys());
        Assert.Equal("Template 'welcome' (email) needs user.lastName, which the data does not give.", refused.Error("data"));
        Assert.Equal(0, await NotificationsOf(tenant));
        // A variable read only inside {{#if}} is optional: absent, it renders nothing, and the send is accepted.
        var id = await tenant.Http.SendOkAsync(Send(new { user = new { firstName = "Ada", lastName = "Lovelace" } }));
        await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal("<p>Hi Ada Lovelace</p>", (await service.SandboxContentAsync(id))["html"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recipient_variables_are_judged_at_accept_without_a_user_id_and_left_to_the_profile_with_one()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(WelcomeTemplate("<p>Hi {{recipient.name}}, this goes to {{recipient.email}}</p>"));

        // No userId: no profile can give the name at delivery; the address the send gives is all `recipient` holds.
        var byAddress = await ExpectAsync(await tenant.Http.PostJsonAsync(Api.Send, Send(new { user = new { firstName = "Ada" } })), 422);
        Assert.Equal("Template 'welcome' (email) needs recipient.name, which the data does not give.", byAddress.Error("data"));
        // By userId the profile as it is at delivery fills recipient.*: accept cannot know it, so it accepts.
        await tenant.Http.SendOkAsync(Send(new { user = new { firstName = "Ada" } }, new { userId = "ada", email = "ada@example.com" }));
    }

    [Fact]
    public async Task A_batch_rejects_the_recipients_whose_data_lacks_a_required_variable_by_index_and_accepts_the_rest()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(WelcomeTemplate());

        var response = await tenant.Http.PostJsonAsync("/api/v1/services/notifications/send-batch", new
        {
            channel = "email", template = "welcome", data = new { user = new { firstName = "friend" } },
            recipients = new object[]
            {
                new { email = "ada@example.com", data = new { user = new { firstName = "Ada", lastName = "Lovelace" } } },
                new { email = "bob@example.com" },
            },
        });

        var body = await ExpectAsync(response, 202);
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(body["rejected"]!.AsArray());
        Assert.Equal(1, rejected!["index"]!.GetValue<int>());
        Assert.Contains("needs user.lastName", rejected["errors"]!["data"]![0]!.GetValue<string>());
        Assert.Equal(1, await NotificationsOf(tenant));
    }

    [Fact]
    public async Task A_topic_send_missing_a_required_variable_is_a_422_and_starts_no_fan_out()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(WelcomeTemplate());
        await tenant.Http.TopicWithAsync("newcomers", "ann", "ben");

        var refused = await ExpectAsync(await tenant.Http.PostJsonAsync(Api.Send, new
        {
            channel = "email", recipient = new { topics = new[] { "newcomers" } }, template = "welcome", data = new { user = new { firstName = "all" } },
        }), 422);

        Assert.Contains("needs user.lastName", refused.Error("data"));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from fan_outs where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_csv_row_with_an_empty_cell_the_template_requires_is_rejected_naming_the_column_and_the_others_are_sent()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);

        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email,first_name,order_id\na@example.com,A,1\nc@example.com,,3\n"));
        var jobId = Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>());
        var status = await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);

        Assert.Equal((1L, 1L), (status["acceptedRows"]!.GetValue<long>(), status["rejectedRows"]!.GetValue<long>()));
        var report = await tenant.Http.GetStringAsync($"/api/v1/services/notifications/bulk/{jobId}/errors");
        Assert.Contains("The template needs first_name, which this row does not give", report);
        Assert.Equal("a@example.com", await service.ScalarAsync<string>("select string_agg(recipient->>'email', ',') from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_publish_requiring_what_recent_sends_lacked_is_refused_with_the_variables_and_count_then_published_when_confirmed()
    {
        var tenant = await service.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(WelcomeTemplate("<p>Hi {{user.firstName}}</p>"));
        var url = $"{Root}/{template.Id()}";
        for (var i = 0; i < 3; i++) await tenant.Http.SendOkAsync(Send(new { user = new { firstName = "Ada" } }));
        await tenant.Http.SendOkAsync(Send(new { user = new { firstName = "Bo", lastName = "Ek" } }));
        await ExpectAsync(await tenant.Http.PutJsonAsync(url, new { parts = new { subject = "Welcome {{user.firstName}}", html = Welcome } }), 200);

        var refused = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/publish", new { }), 409);
        Assert.Equal(["user.lastName"], refused["missingVariables"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal((3, 4), (refused["failingSends"]!.GetValue<int>(), refused["recentSends"]!.GetValue<int>()));
        Assert.Contains("confirmMissingVariables", refused["detail"]!.GetValue<string>());
        Assert.Equal(1, (await tenant.Http.GetJsonAsync(url))["publishedVersion"]!.GetValue<int>());

        var published = await ExpectAsync(await tenant.Http.PostJsonAsync(url + "/publish", new { confirmMissingVariables = true }), 200);
        Assert.Equal(2, published["publishedVersion"]!.GetValue<int>());
        await ExpectAsync(await tenant.Http.PostJsonAsync(Api.Send, Send(new { user = new { firstName = "Ada" } })), 422);
    }
}
