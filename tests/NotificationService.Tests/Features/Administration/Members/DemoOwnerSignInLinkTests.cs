using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>
/// The demo owner's line at start names the sign-in page where the service is: on `PublicBaseUrl` when it is set, else on
/// the address the web host is told to listen on (`--urls` and its kin), and on http://localhost:5000 when nothing says.
/// </summary>
[Collection("service")]
public class DemoOwnerSignInLinkTests(ServiceFixture service)
{
    [Theory]
    [InlineData(null, null, "http://localhost:5000")]
    [InlineData("http://localhost:5077", null, "http://localhost:5077")]
    [InlineData("http://+:8080;https://+:8443", null, "http://127.0.0.1:8080")]
    [InlineData("http://localhost:5077", "https://notify.example.com/", "https://notify.example.com")]
    public async Task The_sign_in_link_is_on_the_address_the_service_is_reached_at(string? urls, string? publicBaseUrl, string expected)
    {
        var tenant = await service.NewTenantAsync();
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls, ["PublicBaseUrl"] = publicBaseUrl }).Build();
        var owner = ActivatorUtilities.CreateInstance<DemoOwner>(service.Factory.Services, (IConfiguration)config);

        var note = await owner.SeedAsync(tenant.Id, default);

        Assert.EndsWith($"; sign in at {expected}/admin/sign-in?tenant={tenant.Id}", note);
    }
}
