using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using NotificationService.Hosting;

namespace NotificationService.Infrastructure;

/// <summary>
/// Behind a proxy that terminates TLS (the Helm chart's ingress) the service sees the proxy's address and plain http.
/// `ForwardedHeaders:KnownProxies` (addresses) and `ForwardedHeaders:KnownNetworks` (CIDR ranges) name the proxies whose
/// `X-Forwarded-For` / `X-Forwarded-Proto` are believed; then the client address (the console's sign-in throttle) and the
/// scheme (the console cookie's `Secure`, `Request.IsHttps`) are the client's. Off unless one of them is set: believing
/// those headers from anyone would let any client pick its own address. `ForwardedHeaders:ForwardLimit` (1) is how many
/// proxies in a row are unwound (the last entries of `X-Forwarded-For`, each added by a known proxy).
/// </summary>
public static class ForwardedHeadersFromProxies
{
    public static IServiceCollection AddForwardedHeadersFromProxies(this IServiceCollection services, IConfiguration config)
    {
        var proxies = List(config, "ForwardedHeaders:KnownProxies");
        var networks = List(config, "ForwardedHeaders:KnownNetworks");
        if (proxies.Length == 0 && networks.Length == 0) return services;
        var limit = config.GetValue("ForwardedHeaders:ForwardLimit", 1);
        if (limit is < 1 or > 10)
            throw new InvalidConfigurationException("ForwardedHeaders:ForwardLimit is the number of proxies in a row, 1 to 10.");
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = limit
        };
        options.KnownProxies.Clear();     // the defaults (loopback) are replaced by what the operator listed, not added to
        options.KnownIPNetworks.Clear();
        foreach (var p in proxies)
            options.KnownProxies.Add(IPAddress.TryParse(p.Trim('[', ']'), out var ip) ? ip
                : throw new InvalidConfigurationException($"ForwardedHeaders:KnownProxies: '{p}' is not an IP address."));
        foreach (var n in networks)
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(n, out var net) ? net
                : throw new InvalidConfigurationException($"ForwardedHeaders:KnownNetworks: '{n}' is not a CIDR range (e.g. 10.0.0.0/8)."));
        return services.AddSingleton(new TrustedProxies(options));
    }

    /// <summary>First in the pipeline, so everything after it sees the client's address and scheme.</summary>
    public static void UseForwardedHeadersFromProxies(this WebApplication app)
    {
        if (app.Services.GetService<TrustedProxies>() is { } proxies) app.UseForwardedHeaders(proxies.Options);
    }

    private static string[] List(IConfiguration config, string key) =>
        (config.GetSection(key).Get<string[]>() ?? (config[key] ?? "").Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
}

/// <summary>The proxies whose forwarded headers are believed; registered only when some are configured.</summary>
internal sealed record TrustedProxies(ForwardedHeadersOptions Options);
