using System.Globalization;
using MailKit.Security;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Smtp;

/// <summary>
/// Where and how a config's connections go: what a pooled connection was opened with. A config whose endpoint changes
/// (host, credentials, TLS) gets a fresh pool, so no connection outlives the settings it was authenticated with.
/// </summary>
public sealed record SmtpEndpoint(string Host, int Port, SecureSocketOptions Tls, string? Username, string? Password,
    bool AllowInvalidCertificate)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public const int DefaultPoolSize = 4;
    public const int MaxPoolSize = 32;

    public static SmtpEndpoint From(ProviderConfig config)
    {
        var host = config.RequiredSetting("host");
        if (!int.TryParse(config.RequiredSetting("port"), out var port) || port is < 1 or > 65535)
            throw new ProviderConfigException("settings.port is not a port number");
        var tls = (config.Setting("tls") is { Length: > 0 } t ? t : "starttls") switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "implicit" => SecureSocketOptions.SslOnConnect,
            _ => throw new ProviderConfigException("settings.tls must be none, starttls or implicit"),
        };
        var username = config.Setting("username") is { Length: > 0 } u ? u : null;
        var allowInvalid = bool.TryParse(config.Setting("allowInvalidCertificate"), out var ai) && ai;
        return new SmtpEndpoint(host, port, tls, username, username is null ? null : config.Secret("password") ?? "", allowInvalid);
    }

    /// <summary>`timeoutSeconds` (10): the whole of one send, connecting and authenticating included.</summary>
    public static TimeSpan Timeout(ProviderConfig config) =>
        double.TryParse(config.Setting("timeoutSeconds"), CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s) : DefaultTimeout;

    /// <summary>`poolSize` (4): connections kept open for the config; 0 opens one per message and closes it after.</summary>
    public static int PoolSize(ProviderConfig config) =>
        int.TryParse(config.Setting("poolSize"), out var n) ? Math.Clamp(n, 0, MaxPoolSize) : DefaultPoolSize;

    /// <summary>Never the password: endpoints reach logs and exception messages.</summary>
    public override string ToString() => $"{Host}:{Port} ({Tls})";
}
