using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// A body of a Content-Type an operation does not take is a 415 that names what it takes, on every operation with a
/// body. Routing refuses such a request before any handler runs, and its 415 said nothing: a profile PATCH sent as
/// application/json was not told to send application/merge-patch+json.
/// </summary>
[Collection("service")]
public class UnsupportedContentTypeTests(ServiceFixture service)
{
    [Fact]
    public async Task Every_operation_with_a_body_answers_a_content_type_it_does_not_take_with_a_415_naming_what_it_takes()
    {
        var (operations, _) = await ApiOperation.ListAsync(service);
        var callers = await ApiCallers.NewAsync(service, service.Factory.CreateClient);
        var named = new List<string>();
        var problems = new List<string>();

        foreach (var op in operations.Where(o => o.Spec["requestBody"]?["content"] is JsonObject))
        {
            var takes = op.Spec["requestBody"]!["content"]!.AsObject().Select(c => c.Key).ToList();
            if (takes.Contains("application/xml")) continue;
            using var request = new HttpRequestMessage(new HttpMethod(op.Method), op.Url)
            {
                Content = new StringContent("<notification/>", Encoding.UTF8, "application/xml"),
            };
            using var response = await callers.For(op).SendAsync(request);
            if (response.StatusCode != HttpStatusCode.UnsupportedMediaType) continue;   // refused sooner (e.g. an id not there)
            var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())?["detail"]?.GetValue<string>() ?? "";
            if (takes.Any(t => detail.Contains(t, StringComparison.OrdinalIgnoreCase))) named.Add(op.Name);
            else problems.Add($"{op.Name} takes {string.Join(", ", takes)}; its 415 says: '{detail}'");
        }

        Assert.True(problems.Count == 0, $"{problems.Count} 415s do not say what to send:\n" + string.Join("\n", problems));
        Assert.Contains("PATCH /api/v1/users/me/profile", named);
        Assert.Contains("PATCH /api/v1/services/users/{userId}", named);
        Assert.True(named.Count >= 20, $"only {named.Count} operations answered 415: {string.Join(", ", named)}");
    }

    [Fact]
    public async Task A_profile_patch_sent_as_application_json_is_told_to_send_application_merge_patch_json()
    {
        var tenant = await service.NewTenantAsync(null);
        var user = await service.UserClientAsync(tenant, "ada");
        var response = await user.PatchAsync("/api/v1/users/me/profile",
            new StringContent("""{"name":"Ada"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Send the body as application/merge-patch+json (Content-Type).",
            (await response.JsonAsync())["detail"]!.GetValue<string>());
    }
}
