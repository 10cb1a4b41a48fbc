using System.Net;
using System.Text;
using NotificationService.Infrastructure;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// Characters PostgreSQL cannot store (NUL; an unpaired surrogate has no UTF-8 form) are a 400 naming the field or
/// parameter wherever they come in, and a JSON body in another charset is a 415: never a 500 from the database.
/// </summary>
[Collection("service")]
public class StorableInputTests(ServiceFixture service)
{
    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient http, string url, string json, string contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return await http.PostAsync(url, content);
    }

    [Theory]
    [InlineData("""{"channel":"email","recipient":{"email":"a\u0000@example.com"},"content":{"subject":"s","body":"b"}}""", "recipient.email")]
    [InlineData("""{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"s","body":"b\u0000"}}""", "content.body")]
    [InlineData("""{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"s","body":"\ud800"}}""", "content.body")]
    [InlineData("""{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"s","body":"b"},"metadata":{"k":"v\u0000"}}""", "metadata.k")]
    [InlineData("""{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"s","body":"b"},"data":{"a\u0000b":1}}""", "data.a?b")]
    [InlineData("""{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"s","body":"b"},"category":"x\u0000"}""", "category")]
    [InlineData("""{"channel":"email","template":"t\u0000","recipient":{"email":"a@example.com"}}""", "template")]
    public async Task A_send_with_an_unstorable_character_is_a_400_naming_the_field(string json, string field)
    {
        var tenant = await service.NewTenantAsync();
        var response = await PostRawAsync(tenant.Http, Api.Send, json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(StorableText.Problem, (await response.JsonAsync())["errors"]![field]![0]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_batch_names_the_recipient_and_admin_bodies_and_query_strings_are_checked_too()
    {
        var tenant = await service.NewTenantAsync();
        var batch = await PostRawAsync(tenant.Http, "/api/v1/services/notifications/send-batch",
            """{"channel":"email","content":{"subject":"s","body":"b"},"recipients":[{"email":"a@example.com"},{"email":"b\u0000@example.com"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        Assert.NotNull((await batch.JsonAsync())["errors"]!["recipients[1].email"]);

        var template = await PostRawAsync(tenant.Http, "/api/v1/admin/templates",
            """{"key":"k","channel":"email","parts":{"subject":"s\u0000","body":"b"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, template.StatusCode);
        Assert.NotNull((await template.JsonAsync())["errors"]!["parts.subject"]);

        var query = await tenant.Http.GetAsync("/api/v1/admin/templates?key=a%00b");
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.NotNull((await query.JsonAsync())["errors"]!["key"]);
    }

    [Fact]
    public async Task A_json_body_in_another_charset_is_a_415()
    {
        var tenant = await service.NewTenantAsync();
        var content = new ByteArrayContent(Encoding.Unicode.GetBytes("""{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"s","body":"b"}}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-16");
        var response = await tenant.Http.PostAsync(Api.Send, content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("utf-16", (await response.JsonAsync())["detail"]!.GetValue<string>());

        var utf8 = await PostRawAsync(tenant.Http, Api.Send, """{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"s","body":"b"}}""",
            "application/json; charset=UTF-8");
        Assert.Equal(HttpStatusCode.Accepted, utf8.StatusCode);
    }
}
