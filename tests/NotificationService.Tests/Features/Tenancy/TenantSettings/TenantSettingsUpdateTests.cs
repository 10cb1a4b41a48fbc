using System.Net;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.TenantSettings;

/// <summary>
/// `PUT /api/v1/admin/settings` changes the settings it names and leaves the others as they are, so the console guide's
/// `{"requireTotp": true}` does what it says without restating `allowHttpLinks`; a setting of the wrong type is a 400
/// naming it, and changes nothing.
/// </summary>
[Collection("service")]
public class TenantSettingsUpdateTests(ServiceFixture service)
{
    [Fact]
    public async Task A_put_naming_one_setting_changes_that_one_and_keeps_the_others()
    {
        var tenant = await service.NewTenantAsync();
        await ExpectOkAsync(await tenant.Http.PutJsonAsync(HttpLinkSettingTests.Settings, new { allowHttpLinks = true }));

        var answer = await ExpectOkAsync(await tenant.Http.PutJsonAsync(HttpLinkSettingTests.Settings, new { requireTotp = true }));

        Assert.Equal("""{"allowHttpLinks":true,"requireTotp":true}""", answer);
        Assert.Equal(answer, await tenant.Http.GetStringAsync(HttpLinkSettingTests.Settings));
    }

    [Fact]
    public async Task A_setting_of_the_wrong_type_is_a_400_naming_it_and_changes_nothing()
    {
        var tenant = await service.NewTenantAsync();
        using var response = await tenant.Http.PutJsonAsync(HttpLinkSettingTests.Settings, new { requireTotp = true, allowHttpLinks = "yes" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("allowHttpLinks", await response.Content.ReadAsStringAsync());
        Assert.Equal("""{"allowHttpLinks":false,"requireTotp":false}""", await tenant.Http.GetStringAsync(HttpLinkSettingTests.Settings));
    }

    private static async Task<string> ExpectOkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return text;
    }
}
