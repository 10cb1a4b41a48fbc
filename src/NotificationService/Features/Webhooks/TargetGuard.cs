using System.Net;
using System.Net.Sockets;

namespace NotificationService.Features.Webhooks;

/// <summary>
/// SSRF protection for tenant-supplied webhook URLs: targets resolving to loopback, private, link-local
/// (including cloud metadata 169.254.169.254), CGNAT, multicast or unspecified addresses are refused, at
/// registration and again when connecting (see <see cref="ConnectAsync"/>), so a DNS answer that changes
/// after registration (rebinding) cannot reach inside. `Webhooks:AllowedTargets` lists host names or CIDR
/// ranges the operator allows anyway (on-premise receivers, tests on 127.0.0.1).
/// </summary>
public sealed class TargetGuard
{
    private static readonly (IPAddress Net, int Bits)[] Blocked =
    [
        Cidr("0.0.0.0/8"), Cidr("10.0.0.0/8"), Cidr("100.64.0.0/10"), Cidr("127.0.0.0/8"), Cidr("169.254.0.0/16"),
        Cidr("172.16.0.0/12"), Cidr("192.0.0.0/24"), Cidr("192.168.0.0/16"), Cidr("198.18.0.0/15"), Cidr("224.0.0.0/4"), Cidr("240.0.0.0/4"),
        Cidr("::/128"), Cidr("::1/128"), Cidr("fc00::/7"), Cidr("fe80::/10"), Cidr("ff00::/8"), Cidr("64:ff9b::/96"),
    ];
    private static readonly string[] BlockedHosts = ["metadata.google.internal", "metadata", "localhost"];

    private readonly HashSet<string> _allowedHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(IPAddress Net, int Bits)> _allowedRanges = [];

    public TargetGuard(IConfiguration config)
    {
        var raw = config.GetSection("Webhooks:AllowedTargets").Get<string[]>() ?? (config["Webhooks:AllowedTargets"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var entry in raw.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (entry.Contains('/')) _allowedRanges.Add(Cidr(entry));
            else if (IPAddress.TryParse(entry, out var ip)) _allowedRanges.Add((ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            else _allowedHosts.Add(entry);
        }
    }

    /// <summary>Null when the URL may be called; otherwise why not.</summary>
    public async Task<string?> CheckAsync(Uri url, CancellationToken ct)
    {
        if (_allowedHosts.Contains(url.IdnHost)) return null;
        if (BlockedHosts.Contains(url.IdnHost, StringComparer.OrdinalIgnoreCase)) return $"'{url.IdnHost}' is an internal host name";
        IPAddress[] addresses;
        try { addresses = IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var ip) ? [ip] : await Dns.GetHostAddressesAsync(url.IdnHost, ct); }
        catch (SocketException) { return $"'{url.IdnHost}' does not resolve"; }
        if (addresses.Length == 0) return $"'{url.IdnHost}' does not resolve";
        return addresses.FirstOrDefault(a => !Allowed(a)) is { } bad ? $"'{url.IdnHost}' resolves to {bad}, a loopback, private, link-local or reserved address" : null;
    }

    public bool Allowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (_allowedRanges.Any(r => InRange(address, r))) return true;
        return !Blocked.Any(r => InRange(address, r));
    }

    /// <summary>
    /// SocketsHttpHandler.ConnectCallback: resolve, keep only allowed addresses, connect to one of those. The
    /// address checked is the address connected to, which is what defeats DNS rebinding.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? [ip] : await Dns.GetHostAddressesAsync(host, ct);
        var permitted = _allowedHosts.Contains(host) ? addresses : addresses.Where(Allowed).ToArray();
        if (permitted.Length == 0) throw new HttpRequestException($"refused: '{host}' resolves only to internal addresses");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool InRange(IPAddress a, (IPAddress Net, int Bits) r)
    {
        if (a.AddressFamily != r.Net.AddressFamily) return false;
        var x = a.GetAddressBytes();
        var n = r.Net.GetAddressBytes();
        for (int i = 0, bits = r.Bits; bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : 0xFF << (8 - bits) & 0xFF;
            if ((x[i] & mask) != (n[i] & mask)) return false;
        }
        return true;
    }

    private static (IPAddress, int) Cidr(string s)
    {
        var parts = s.Split('/');
        return (IPAddress.Parse(parts[0]), int.Parse(parts[1]));
    }
}
