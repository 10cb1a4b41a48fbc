namespace NotificationService.Hosting;

/// <summary>
/// Where `health` looks: the readiness URL of this service as it is configured to listen, read from the same places the
/// web host reads (Kestrel:Endpoints, then `urls` / ASPNETCORE_URLS / --urls, then ASPNETCORE_HTTP_PORTS), defaulting to
/// ASP.NET Core's own http://localhost:5000. A wildcard host (`+`, `*`, 0.0.0.0, [::]) is checked on loopback. An
/// address given with `--url` may be the service's base URL (the readiness path is added) or a full URL.
/// </summary>
public static partial class HealthCheckTarget
{
    public const string ReadyPath = "/health/ready";
    public const string DefaultUrl = "http://localhost:5000";

    public static Uri Resolve(IConfiguration config, string? url)
    {
        var baseUrl = url ?? ListeningUrl(config);
        // `+` and `*` are not hosts a URI parser takes: every wildcard is loopback before parsing.
        var probe = Wildcard().Replace(baseUrl, "${scheme}127.0.0.1");
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"'{baseUrl}' is not an http(s) URL");
        var builder = new UriBuilder(uri);
        if (builder.Path is "" or "/") builder.Path = ReadyPath;   // a base URL: the service's own readiness path
        return builder.Uri;
    }

    /// <summary>The first address the web host would listen on, http preferred (a probe from inside the container or host).</summary>
    public static string ListeningUrl(IConfiguration config)
    {
        var endpoints = config.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        var urls = endpoints.Count > 0 ? endpoints
            : (config["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (urls.Count == 0 && config["http_ports"] is { Length: > 0 } ports)
            urls = [.. ports.Split(';', StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}")];
        return urls.FirstOrDefault(u => u.StartsWith("http:", StringComparison.OrdinalIgnoreCase)) ?? urls.FirstOrDefault() ?? DefaultUrl;
    }

    /// <summary>What a readiness answer said, for `health`'s "not ready" line (the first 300 characters, on one line).</summary>
    public static string Gist(string body)
    {
        var line = string.Join(' ', body.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length == 0 ? "" : ": " + (line.Length > 300 ? line[..300] + "…" : line);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<scheme>https?://)(\+|\*|0\.0\.0\.0|\[::\])(?=[:/]|$)",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex Wildcard();
}
