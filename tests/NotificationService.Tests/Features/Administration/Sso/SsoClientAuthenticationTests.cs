using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using NotificationService.Features.Administration.Sso;

namespace NotificationService.Tests.Features.Administration.Sso;

/// <summary>
/// Which ways of presenting the client secret the code exchange tries, from the provider's discovery document: the form,
/// then the Authorization header, only those the provider lists, both when it lists none (discovery's default). A provider
/// that takes neither is refused when the configuration is saved (SsoProviderMetadata), not at a member's sign-in.
/// Against a real provider: SsoSignInTests.
/// </summary>
public class SsoClientAuthenticationTests
{
    [Theory]
    [InlineData("", "client_secret_post client_secret_basic")]
    [InlineData("client_secret_basic client_secret_post private_key_jwt", "client_secret_post client_secret_basic")]
    [InlineData("client_secret_basic", "client_secret_basic")]
    [InlineData("private_key_jwt client_secret_post", "client_secret_post")]
    [InlineData("private_key_jwt tls_client_auth", "")]
    public void The_methods_tried_are_those_the_provider_lists_form_first(string listed, string tried)
    {
        var provider = new OpenIdConnectConfiguration();
        foreach (var method in listed.Split(' ', StringSplitOptions.RemoveEmptyEntries)) provider.TokenEndpointAuthMethodsSupported.Add(method);
        Assert.Equal(tried, string.Join(' ', SsoCodeExchange.Methods(provider)));
    }
}
