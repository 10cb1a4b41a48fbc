using NotificationService.Channels.Outbound;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Json;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Fcm;

/// <summary>Where the FCM adapter gets OAuth2 access tokens.</summary>
public interface IFcmAccessTokenSource
{
    /// <summary>A valid access token for the service account; <paramref name="forceRefresh"/> skips the cache (after a 401).</summary>
    Task<string> GetTokenAsync(string serviceAccountJson, bool forceRefresh, CancellationToken ct);
}

/// <summary>
/// OAuth2 access tokens for service accounts via Google.Apis.Auth (a signed JWT exchanged at the key's own
/// <c>token_uri</c>), cached per service account until <see cref="RefreshMargin"/> before expiry.
/// </summary>
public sealed class FcmAccessTokenSource(TimeProvider time, OutboundGuard guard) : IFcmAccessTokenSource
{
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(1);

    private sealed class Entry(ServiceAccountCredential credential)
    {
        public ServiceAccountCredential Credential { get; } = credential;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public string? Token;
        public DateTimeOffset ExpiresAt;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    public async Task<string> GetTokenAsync(string serviceAccountJson, bool forceRefresh, CancellationToken ct)
    {
        var entry = _entries.GetOrAdd(Key(serviceAccountJson), _ => new Entry(CreateCredential(serviceAccountJson)));
        if (!forceRefresh && entry.Token is { } cached && time.GetUtcNow() < entry.ExpiresAt - RefreshMargin) return cached;

        await entry.Gate.WaitAsync(ct);
        try
        {
            if (!forceRefresh && entry.Token is { } again && time.GetUtcNow() < entry.ExpiresAt - RefreshMargin) return again;
            if (!await entry.Credential.RequestAccessTokenAsync(ct) || entry.Credential.Token?.AccessToken is not { Length: > 0 } token)
                throw new FcmAuthException("token endpoint returned no access token");
            var lifetime = TimeSpan.FromSeconds(entry.Credential.Token.ExpiresInSeconds ?? 3600);
            entry.Token = token;
            entry.ExpiresAt = time.GetUtcNow() + lifetime;
            return token;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or FcmAuthException or HttpRequestException))
        {
            // TokenResponseException carries the server's error; never the key.
            throw new FcmAuthException(ex is Google.Apis.Auth.OAuth2.Responses.TokenResponseException tre
                ? $"token endpoint refused the service account: {tre.Error?.Error}"
                : $"token request failed ({ex.GetType().Name})", ex);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private ServiceAccountCredential CreateCredential(string json)
    {
        JsonCredentialParameters p;
        try { p = NewtonsoftJsonSerializer.Instance.Deserialize<JsonCredentialParameters>(json); }
        catch (Exception) { throw new ProviderConfigException("secrets.serviceAccountJson is not parseable JSON"); }
        if (p is null || string.IsNullOrEmpty(p.ClientEmail) || string.IsNullOrEmpty(p.PrivateKey))
            throw new ProviderConfigException("secrets.serviceAccountJson lacks client_email or private_key");

        var initializer = new ServiceAccountCredential.Initializer(p.ClientEmail,
            string.IsNullOrEmpty(p.TokenUri) ? GoogleAuthConsts.OidcTokenUrl : p.TokenUri)
        {
            Scopes = [Scope],
            KeyId = p.PrivateKeyId,
            ProjectId = p.ProjectId,
            // token_uri comes from the tenant's JSON: the token request goes through the outbound guard too.
            HttpClientFactory = new GuardedHttpClientFactory(guard),
        };
        try { return new ServiceAccountCredential(initializer.FromPrivateKey(p.PrivateKey)); }
        catch (Exception) { throw new ProviderConfigException("secrets.serviceAccountJson private_key is not a usable RSA key"); }
    }

    private static string Key(string json) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}

/// <summary>No access token could be obtained: a provider-level failure.</summary>
public sealed class FcmAuthException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Google's HTTP client factory with the outbound guard's handler (guarded connects, no redirects).</summary>
internal sealed class GuardedHttpClientFactory(OutboundGuard guard) : Google.Apis.Http.HttpClientFactory
{
    protected override HttpMessageHandler CreateHandler(Google.Apis.Http.CreateHttpClientArgs args) => guard.Handler();
}
