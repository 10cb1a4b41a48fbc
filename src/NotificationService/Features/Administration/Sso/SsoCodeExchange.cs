using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// The authorization code for tokens at the provider's token endpoint (the back channel: through the outbound guard, the
/// client secret, the PKCE verifier, a bounded answer). Only the ID token is kept: the console needs who signed in, not
/// access to anything at the provider. The secret and the tokens are never logged.
/// <para>
/// How the client presents its secret is part of its registration at the provider, which discovery does not tell: some
/// providers' clients default to `client_secret_post` (Auth0), others to `client_secret_basic` (Okta, Keycloak's and
/// oidc-provider's defaults, and OAuth's), and each refuses the other with `invalid_client`. So the exchange sends the
/// secret in the form first and, refused as a client, once more in the Authorization header; a provider that refuses
/// the client fails before it reads the code (RFC 6749, 5.2), so the code is still good for the second try. Methods the
/// discovery document says the endpoint does not take are never tried (<see cref="Methods"/>).
/// </para>
/// </summary>
public sealed class SsoCodeExchange(IHttpClientFactory http)
{
    public const string Post = "client_secret_post", Basic = "client_secret_basic";

    /// <summary>The client-authentication methods to try, in order: those of post and basic the provider lists (both when it
    /// lists none: discovery's default is basic, and post was this console's only method before). Empty: it takes neither,
    /// which saving the configuration refuses.</summary>
    public static IReadOnlyList<string> Methods(OpenIdConnectConfiguration provider) =>
        [.. new[] { Post, Basic }.Where(m => provider.TokenEndpointAuthMethodsSupported.Count == 0
            || provider.TokenEndpointAuthMethodsSupported.Contains(m))];

    public async Task<string> IdTokenAsync(OpenIdConnectConfiguration provider, SsoSettings settings, string code, string redirectUri,
        string verifier, CancellationToken ct)
    {
        var methods = Methods(provider);   // never empty: the metadata read before the exchange refuses such a provider
        if (methods.Count == 0) throw new SsoSignInRefused(SsoRefusal.ProviderUnavailable, "no client-secret method");
        for (var i = 0; ; i++)
        {
            try { return await ExchangeAsync(provider, settings, code, redirectUri, verifier, methods[i], ct); }
            catch (SsoSignInRefused refused) when (refused.Reason == SsoRefusal.ClientRefused && i + 1 < methods.Count) { }
        }
    }

    private async Task<string> ExchangeAsync(OpenIdConnectConfiguration provider, SsoSettings settings, string code, string redirectUri,
        string verifier, string method, CancellationToken ct)
    {
        using var client = http.CreateClient(SsoProviderMetadata.HttpClientName);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, provider.TokenEndpoint);
        if (method == Basic)
            // Each part form-encoded before the two are joined (RFC 6749, 2.3.1), so a ':' in either cannot split them wrongly.
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
                $"{WebUtility.UrlEncode(settings.ClientId)}:{WebUtility.UrlEncode(settings.ClientSecret)}")));
        else
        {
            form["client_id"] = settings.ClientId;
            form["client_secret"] = settings.ClientSecret;
        }
        request.Content = new FormUrlEncodedContent(form);
        HttpResponseMessage response;
        try { response = await client.SendAsync(request, ct); }
        catch (HttpRequestException e) { throw new SsoSignInRefused(SsoRefusal.ProviderUnreachable, e.Message); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SsoSignInRefused(SsoRefusal.ProviderUnreachable, "timeout");
        }
        using (response)
        {
            JsonDocument body;
            try { body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)); }
            catch (Exception e) when (e is JsonException or HttpRequestException)
            {
                throw new SsoSignInRefused(SsoRefusal.ProviderAnswer, "not JSON");
            }
            using (body)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var error = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("error", out var e)
                        ? e.ToString() : $"HTTP {(int)response.StatusCode}";
                    throw new SsoSignInRefused(error switch
                    {
                        "invalid_grant" => SsoRefusal.CodeRefused,
                        "invalid_client" => SsoRefusal.ClientRefused,
                        _ => SsoRefusal.ProviderAnswer,
                    }, $"{method}: {Bounded(error)}");
                }
                return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("id_token", out var token)
                    && token.ValueKind == JsonValueKind.String ? token.GetString()!
                    : throw new SsoSignInRefused(SsoRefusal.ProviderAnswer, "no id_token");
            }
        }
    }

    private static string Bounded(string text) => text.Length > 100 ? text[..100] : text;
}
