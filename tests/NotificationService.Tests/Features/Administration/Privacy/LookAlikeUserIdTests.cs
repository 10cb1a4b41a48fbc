using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// One rule for every userId a write stores: NFC, no control or format characters, no white space at the ends, the ASCII
/// hyphen as the only dash. A look-alike of an erased and blocked userId is refused (400 naming the field), never a new
/// user; a control character in a path is a ProblemDetails 400 naming the parameter.
/// </summary>
[Collection("service")]
public class LookAlikeUserIdTests(ServiceFixture service)
{
    [Fact]
    public async Task A_zero_width_space_trailing_space_tab_or_unicode_hyphen_look_alike_of_a_blocked_userId_is_refused_everywhere_not_a_new_user()
    {
        var tenant = await service.NewTenantAsync();
        var userId = "look-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.IdentifyAsync(userId, new { name = "Original" });
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync(userId, block: true));
        await tenant.Http.PutTopicAsync("lobby", new { name = "Lobby" });

        var lookAlikes = new[] { userId + "\u200B", userId + " ", userId + "\t", userId.Replace("-", "\u2010"), userId.Replace("-", "\u2011"), "\uFEFF" + userId };
        foreach (var alike in lookAlikes)
        {
            var shown = string.Concat(alike.Select(c => c < 128 && !char.IsControl(c) ? c.ToString() : $"\\u{(int)c:X4}"));
            async Task RefusedAsync(string what, Task<HttpResponseMessage> call, string field)
            {
                var response = await call;
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what} of '{shown}': {(int)response.StatusCode} {text}");
                Assert.Equal([field], JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key).ToArray());
            }
            await RefusedAsync("identify", tenant.Http.PutProfileAsync(alike, new { name = "Back" }), "userId");
            await RefusedAsync("send", tenant.Http.PostJsonAsync(Api.Send, new { channel = "in_app", recipient = new { userId = alike }, content = new { subject = "s", body = "b" } }),
                "recipient.userId");
            await RefusedAsync("device", tenant.Http.PostJsonAsync("/api/v1/services/devices", new { userId = alike, token = "tok", platform = "web" }), "userId");
            await RefusedAsync("preferences", tenant.Http.PutAsJsonAsync($"{RecipientsApi.Of(alike)}/preferences", new { channels = new { email = false } }), "userId");
            await RefusedAsync("topic membership", tenant.Http.AddMembersAsync("lobby", new { userIds = new[] { alike } }), "userIds[0]");
            await RefusedAsync("token", tenant.Http.PostJsonAsync($"{RecipientsApi.Of(alike)}/token", new { }), "userId");
        }

        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from recipient_profiles where tenant_id = $1", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from devices where tenant_id = $1", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from topic_members where tenant_id = $1", tenant.Id));
        // The plain form of another user is as welcome as ever.
        Assert.Equal(HttpStatusCode.Created, (await tenant.Http.PutProfileAsync("other-" + userId, new { name = "Other" })).StatusCode);
    }

    /// <summary>(A NUL, `%00`, never reaches the service: Kestrel refuses the request line itself, with a 400 of its own.)</summary>
    [Fact]
    public async Task A_control_or_format_character_in_a_userId_path_is_a_problem_details_400_naming_userId()
    {
        var tenant = await service.NewTenantAsync();
        var answers = new[]
        {
            await tenant.Http.PutProfileAsync("a\u0001b", new { name = "x" }),
            await tenant.Http.PutProfileAsync("a\u007Fb", new { name = "x" }),
            await tenant.Http.PostJsonAsync($"{RecipientsApi.Of("a\u200Bb")}/token", new { }),
        };
        foreach (var response in answers)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(JsonNode.Parse(text)!["errors"]!["userId"]);
        }
    }
}
