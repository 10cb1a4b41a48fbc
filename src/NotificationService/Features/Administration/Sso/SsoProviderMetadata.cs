using System.Collections.Concurrent;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using NotificationService.Channels.Outbound;

namespace NotificationService.Features.Administration.Sso;

/// <summary>Why a provider's metadata could not be used, in words a tenant's admin can act on.</summary>
public sealed class SsoProviderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A tenant provider's discovery document and signing keys (JWKS), fetched through the outbound guard (loopback and
/// private addresses refused unless `Outbound:AllowedTargets` allows them; no redirects) with bounded answers, and kept
/// by IdentityModel's ConfigurationManager per (tenant, issuer): refreshed daily, and at once (at most every 30 s) when
/// an ID token names a key it does not hold, which is how a provider's key rotation is followed.
/// </summary>
public sealed class SsoProviderMetadata(IHttpClientFactory http, OutboundGuard guard)
{
    public const string HttpClientName = "sso";
    public const int MaxDocumentBytes = 256 * 1024;
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<(Guid, string), ConfigurationManager<OpenIdConnectConfiguration>> _managers = new();

    /// <summary>The provider's configuration; the issuer it names must be the configured one, exactly.</summary>
    public async Task<OpenIdConnectConfiguration> GetAsync(Guid tenantId, string issuer, CancellationToken ct)
    {
        await RefuseGuardedAsync(issuer, ct);
        var manager = Manager(tenantId, issuer);
        OpenIdConnectConfiguration config;
        try { config = await manager.GetConfigurationAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _managers.TryRemove((tenantId, issuer), out _);
            throw new SsoProviderException(
                $"The provider's discovery document ({issuer}/.well-known/openid-configuration) could not be read: "
                + (e.InnerException?.Message ?? e.Message), e);
        }
        if (!string.Equals(config.Issuer?.TrimEnd('/'), issuer, StringComparison.Ordinal))
            throw new SsoProviderException($"The provider names itself '{config.Issuer}', not the configured issuer '{issuer}'.");
        if (string.IsNullOrEmpty(config.AuthorizationEndpoint) || string.IsNullOrEmpty(config.TokenEndpoint))
            throw new SsoProviderException("The provider's discovery document names no authorization or token endpoint.");
        if (SsoCodeExchange.Methods(config).Count == 0)
            throw new SsoProviderException($"The provider's token endpoint takes neither {SsoCodeExchange.Post} nor {SsoCodeExchange.Basic} "
                + $"(it lists {string.Join(", ", config.TokenEndpointAuthMethodsSupported)}): this console signs in with a client secret.");
        return config;
    }

    /// <summary>After an ID token named an unknown key: the next <see cref="GetAsync"/> reads the JWKS again.</summary>
    public void RequestRefresh(Guid tenantId, string issuer)
    {
        if (_managers.TryGetValue((tenantId, issuer), out var manager)) manager.RequestRefresh();
    }

    /// <summary>A changed configuration starts from a fresh document.</summary>
    public void Forget(Guid tenantId)
    {
        foreach (var key in _managers.Keys.Where(k => k.Item1 == tenantId)) _managers.TryRemove(key, out _);
    }

    /// <summary>The guard's own words when the issuer's host is not an allowed destination (checked again at connect).</summary>
    public async Task RefuseGuardedAsync(string issuer, CancellationToken ct)
    {
        if (await guard.CheckAsync(new Uri(issuer).Host, ct) is { } refusal) throw new SsoProviderException($"The issuer {refusal}.");
    }

    private ConfigurationManager<OpenIdConnectConfiguration> Manager(Guid tenantId, string issuer)
    {
        if (_managers.Count > MaxCached) _managers.Clear();   // bounded memory; a cleared entry is one more fetch
        return _managers.GetOrAdd((tenantId, issuer), _ =>
        {
            var client = http.CreateClient(HttpClientName);
            var retriever = new HttpDocumentRetriever(client) { RequireHttps = new Uri(issuer).Scheme == Uri.UriSchemeHttps };
            return new ConfigurationManager<OpenIdConnectConfiguration>($"{issuer}/.well-known/openid-configuration",
                new OpenIdConnectConfigurationRetriever(), retriever)
            {
                AutomaticRefreshInterval = TimeSpan.FromDays(1),
                RefreshInterval = TimeSpan.FromSeconds(30),
            };
        });
    }
}
