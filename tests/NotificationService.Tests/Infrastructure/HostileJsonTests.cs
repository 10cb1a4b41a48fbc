using System.Net;
using System.Text;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// Request bodies a hostile or careless client sends are 4xx answers naming what is wrong, never a 500 and never half
/// written: `null` items in arrays (a 500 in BatchExpander for `recipients`), a property given twice (a 500 the first
/// time anything counted a `data` object), and a bulk upload's `mapping` with a null or a column given twice in
/// another case.
/// </summary>
[Collection("service")]
public class HostileJsonTests(ServiceFixture service)
{
    private const string Send = "/api/v1/services/notifications/send";
    private const string SendBatch = "/api/v1/services/notifications/send-batch";
    private const string SendChunk = "/api/v1/services/notifications/send-chunk";
    private const string Content = "\"content\":{\"subject\":\"s\",\"body\":\"b\"}";

    private static async Task<string[]> BadRequestFieldsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        return [.. System.Text.Json.Nodes.JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key)];
    }

    [Fact]
    public async Task A_null_item_in_any_array_of_a_request_is_a_400_naming_its_index_and_nothing_is_written()
    {
        var tenant = await service.NewTenantAsync();
        var batch = await (await tenant.Http.PostJsonAsync(SendBatch, $$"""{"channel":"email",{{Content}},"recipients":[{"email":"a@example.com"}]}""")).JsonAsync();
        var batchId = batch["batchId"]!.GetValue<string>();
        var before = await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id);

        (string Url, string Body, string Field)[] cases =
        [
            (SendBatch, $$"""{"channel":"email",{{Content}},"recipients":[{"email":"a@example.com"},{"email":"b@example.com"},{"email":"c@example.com"},null]}""", "recipients[3]"),
            (SendChunk, $$"""{"batchId":"{{batchId}}","recipients":[null,{"email":"d@example.com"}]}""", "recipients[0]"),
            (SendBatch, $$"""{"channel":"push",{{Content}},"recipients":[{"deviceTokens":["t",null]}]}""", "recipients[0].deviceTokens[1]"),
            (Send, $$"""{"channels":["email",null],"recipient":{"email":"a@example.com"},{{Content}}}""", "channels[1]"),
            (Send, $$"""{"channel":"push","recipient":{"deviceTokens":[null]},{{Content}}}""", "recipient.deviceTokens[0]"),
            ("/api/v1/admin/api-keys", """{"name":"k","scopes":["notifications:send",null]}""", "scopes[1]"),
            ("/api/v1/admin/webhooks", """{"url":"https://example.com/hook","events":[null]}""", "events[0]"),
            ("/api/v1/admin/templates", """{"key":"k","channel":"email","parts":{"subject":"s","body":"b"},"optionalVariables":[null]}""", "optionalVariables[0]"),
        ];
        foreach (var (url, body, field) in cases)
            Assert.Equal([field], await BadRequestFieldsAsync(await tenant.Http.PostJsonAsync(url, body)));

        var windows = await tenant.Http.PutAsync("/api/v1/services/users/ada/preferences", Json("""{"quietHours":{"timeZone":"UTC","windows":[{"days":["mon",null],"start":"22:00","end":"06:00"},null]}}"""));
        Assert.Equal(["quietHours.windows[0].days[1]", "quietHours.windows[1]"], (await BadRequestFieldsAsync(windows)).Order());

        Assert.Equal(before, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from service_accounts where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_property_named_twice_is_a_400_naming_the_second_at_any_depth()
    {
        var tenant = await service.NewTenantAsync();
        (string Body, string Field)[] cases =
        [
            ($$$"""{"channel":"email","recipient":{"email":"a@example.com"},{{{Content}}},"data":{"a":1,"a":2}}""", "data.a"),
            ($$$"""{"channel":"email","recipient":{"email":"a@example.com"},{{{Content}}},"data":{"x":[1,{"b":{"c":1,"\u0063":2}}]}}""", "data.x[1].b.c"),
            ($$"""{"channel":"email","channel":"sms","recipient":{"email":"a@example.com"},{{Content}}}""", "channel"),
            ($$"""{"channel":"email","recipient":{"email":"a@example.com","email":"b@example.com"},{{Content}}}""", "recipient.email"),
        ];
        foreach (var (body, field) in cases)
            Assert.Equal([field], await BadRequestFieldsAsync(await tenant.Http.PostJsonAsync(Send, body)));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));

        // A bulk identify reads its items where they lie in the request, not as a tree: the same rule holds there.
        (string Body, string Field)[] bulk =
        [
            ("""{"users":[{"userId":"u1"},{"userId":"u2","email":"a@example.com","email":"b@example.com"}]}""", "users[1].email"),
            ("""{"users":[{"userId":"u1","data":{"plan":"a","plan":"b"}}]}""", "users[0].data.plan"),
        ];
        foreach (var (body, field) in bulk)
            Assert.Equal([field], await BadRequestFieldsAsync(await tenant.Http.PostJsonAsync("/api/v1/services/users/bulk", body)));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from recipient_profiles where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_bulk_mapping_with_a_null_or_a_column_named_twice_is_a_400_naming_mapping()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var file = BulkCsv.Utf8("email,first_name,order_id\na@example.com,Ada,1\n");
        foreach (var mapping in new[] { """{"Email":"email","email":"email"}""", """{"first_name":null}""" })
            Assert.Equal(["mapping"], await BadRequestFieldsAsync(await BulkCsv.PostAsync(tenant.Http, file, mapping: mapping)));
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from bulk_jobs where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Hostile_values_in_bodies_are_answered_below_500()
    {
        var tenant = await service.NewTenantAsync();
        string SendWith(string extra) => $$$"""{"channel":"email","recipient":{"email":"a@example.com"},"content":{"subject":"s {{a}}","body":"b"}{{{extra}}}}""";
        (string Url, byte[] Body)[] cases =
        [
            (Send, Utf8(SendWith(",\"data\":{\"a\":" + new string('[', 60) + new string(']', 60) + "}"))),   // deeper than the data limit
            (Send, Utf8(SendWith(",\"data\":{\"a\":1e400}"))),                                                // a number no double holds
            (Send, Utf8(SendWith(",\"data\":{\"a\":-123456789012345678901234567890123456789012345678901234567890}"))),
            (Send, Utf8(SendWith(",\"priority\":1e400"))),
            (Send, Utf8(SendWith(",\"priority\":\"urgent\""))),                                               // not one of the words
            (Send, Utf8(SendWith(",\"sendAt\":\"0001-01-01T00:00:00+14:00\""))),                               // before the first instant
            (Send, Utf8(SendWith(",\"sendAt\":\"9999-12-31T23:59:59-05:30\""))),                               // after the last
            (Send, Utf8(SendWith(",\"sendAt\":1e400"))),
            (Send, [.. Utf8("{\"channel\":\"email\",\"recipient\":{\"email\":\"a"), 0xFF, 0xFE, .. Utf8("@example.com\"}}")]),   // not UTF-8
            (Send, [.. Utf8("{\"channel\":\"email\",\"recipient\":{\"email\":\"a"), 0xC0, 0xAF, .. Utf8("@example.com\"}}")]),   // overlong UTF-8
            (Send, [0xEF, 0xBB, 0xBF, .. Utf8(SendWith(""))]),                                                // a byte order mark first
            ("/api/v1/admin/providers", Utf8("""{"channel":"email","kind":"sandbox","name":"x","priority":1e400}""")),
            ("/api/v1/services/users/ada/token", Utf8("""{"expiresInSeconds":99999999999999999999}""")),
            ("/api/v1/admin/templates", Utf8("""{"key":"k","channel":"email","parts":{"subject":{"a":[1e400]},"body":null}}""")),
        ];
        foreach (var (url, body) in cases)
        {
            using var content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } };
            var response = await tenant.Http.PostAsync(url, content);
            if ((int)response.StatusCode >= 500)
                Assert.Fail($"{url} {Encoding.UTF8.GetString(body)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task A_number_its_field_cannot_hold_and_a_body_nested_too_deep_are_400s_that_say_so_and_name_the_field()
    {
        var tenant = await service.NewTenantAsync();
        const string token = "/api/v1/services/users/ada/token";
        var nested70 = new string('[', 70) + new string(']', 70);
        const string outOfRange = "Out of range: the number is too large or too small for this field.";
        (string Url, string Body, string Field, string Message)[] cases =
        [
            (token, """{"expiresInSeconds":99999999999}""", "expiresInSeconds", outOfRange),
            (token, """{"expiresInSeconds":-99999999999}""", "expiresInSeconds", outOfRange),
            (token, """{"expiresInSeconds":1e400}""", "expiresInSeconds", outOfRange),
            (token, """{"expiresInSeconds":90.5}""", "expiresInSeconds", "A whole number is expected here (no fraction or exponent)."),
            (Send, $$$"""{"channel":"email","recipient":{"email":"a@example.com"},{{{Content}}},"data":{"a":{{{nested70}}}}}""",
                "data", "Nested deeper than 64 levels."),
            // Still what it was: a string where a number goes is the wrong type, not out of range.
            (token, """{"expiresInSeconds":"soon"}""", "expiresInSeconds", "Malformed JSON, or a value of the wrong type for this field."),
        ];
        foreach (var (url, body, field, message) in cases)
        {
            var response = await tenant.Http.PostJsonAsync(url, body);
            Assert.Equal([field], await BadRequestFieldsAsync(response));
            Assert.Equal(message, (await response.JsonAsync())["errors"]![field]![0]!.GetValue<string>());
        }
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
