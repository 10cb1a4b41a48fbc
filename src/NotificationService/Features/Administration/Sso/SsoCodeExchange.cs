using System.Text.Json;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// The authorization code for tokens at the provider's token endpoint (the back channel: through the outbound guard,
/// client_secret_post, the PKCE verifier, a bounded answer). Only the ID token is kept: the console needs who signed
/// in, not access to anything at the provider. The secret and the tokens are never logged.
/// </summary>
public sealed class SsoCodeExchange(IHttpClientFactory http)
{
    public async Task<string> IdTokenAsync(OpenIdConnectConfiguration provider, SsoSettings settings, string code, string redirectUri,
        string verifier, CancellationToken ct)
    {
        using var client = http.CreateClient(SsoProviderMetadata.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, provider.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
                ["client_id"] = settings.ClientId,
                ["client_secret"] = settings.ClientSecret,
                ["code_verifier"] = verifier,
            }),
        };
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
                    throw new SsoSignInRefused(error == "invalid_grant" ? SsoRefusal.CodeRefused : SsoRefusal.ProviderAnswer,
                        Bounded(error));
                }
                return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("id_token", out var token)
                    && token.ValueKind == JsonValueKind.String ? token.GetString()!
                    : throw new SsoSignInRefused(SsoRefusal.ProviderAnswer, "no id_token");
            }
        }
    }

    private static string Bounded(string text) => text.Length > 100 ? text[..100] : text;
}
