using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.People.Recipients;

/// <summary>
/// `recipient.profile` on a send: a JSON Merge Patch of the recipient's profile, written in the transaction that accepts
/// the send; a bad one is a 400 naming its field, and then neither the profile nor the notification is written.
/// </summary>
[Collection("service")]
public class ProfileOnSendTests(ServiceFixture service)
{
    private static object Send(object recipient) =>
        new { channel = "email", recipient, content = new { subject = "Hi {{recipient.name}}", body = "Plan {{recipient.data.plan}}" } };

    [Fact]
    public async Task A_send_creates_or_merges_the_recipients_profile_and_is_delivered_with_it()
    {
        var tenant = await service.NewTenantAsync();
        var first = await tenant.Http.SendOkAsync(Send(new { userId = "fay", profile = new { email = "fay@example.com", name = "Fay", data = new { plan = "free" } } }));
        await service.Ledger.WaitForAsync(first, "sent");
        var content = JsonNode.Parse((await service.ScalarAsync<string>("select content::text from sandbox_messages where notification_id = $1", first))!)!;
        Assert.Equal(("Hi Fay", "Plan free"), (content["subject"]!.GetValue<string>(), content["body"]!.GetValue<string>()));

        var second = await tenant.Http.SendOkAsync(Send(new { userId = "fay", profile = new { data = new { seats = 2 } } }));
        await service.Ledger.WaitForAsync(second, "sent");
        var profile = (await tenant.Http.ProfileAsync("fay"))!;
        Assert.Equal(("fay@example.com", "Fay"), (profile.Text("email"), profile.Text("name")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"plan":"free","seats":2}"""), profile["data"]), profile["data"]!.ToJsonString());
    }

    [Fact]
    public async Task An_invalid_recipient_profile_is_a_400_naming_its_field_and_writes_neither_the_profile_nor_the_notification()
    {
        var tenant = await service.NewTenantAsync();
        var badZone = await tenant.Http.PostJsonAsync(Api.Send, Send(new { userId = "gil", email = "gil@example.com", profile = new { timezone = "Mars/Olympus", name = "Gil" } }));
        Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
        Assert.Equal(["recipient.profile.timezone"], await badZone.ErrorFieldsAsync());

        var noUser = await tenant.Http.PostJsonAsync(Api.Send, Send(new { email = "gil@example.com", profile = new { name = "Gil" } }));
        Assert.Equal(["recipient.profile"], await noUser.ErrorFieldsAsync());

        // Checked whole once merged: data that outgrows 16 KB is refused in the accept transaction, which then writes nothing.
        await tenant.Http.IdentifyAsync("gil", new { data = new { a = new string('a', 9 * 1024) } });
        var grown = await tenant.Http.PostJsonAsync(Api.Send, Send(new { userId = "gil", email = "gil@example.com", profile = new { name = "Gil", data = new { b = new string('b', 9 * 1024) } } }));
        Assert.Equal(HttpStatusCode.BadRequest, grown.StatusCode);
        Assert.Equal(["recipient.profile.data"], await grown.ErrorFieldsAsync());

        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        var gil = (await tenant.Http.ProfileAsync("gil"))!;
        Assert.Null(gil["name"]);
        Assert.Null(gil["data"]!["b"]);
    }

    [Fact]
    public async Task A_send_without_an_address_needs_a_userId()
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(Api.Send, new { channel = "sms", recipient = new { }, content = new { body = "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["recipient.phone"], await response.ErrorFieldsAsync());
    }
}
