using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NotificationService.Channels.Outbound;

/// <summary>The DNS the guard asks for a host's addresses: the system's, or a stand-in (a spec makes a name resolve to a
/// private address, as a hostile DNS answer would).</summary>
public delegate Task<IPAddress[]> HostResolver(string host, CancellationToken ct);

/// <summary>A destination the guard refused; its message is the same whatever the port, so it reveals nothing.</summary>
public sealed class OutboundRefusedException(string host) : HttpRequestException($"refused: '{host}' is {OutboundGuard.Refusal}");

/// <summary>
/// The one guard for every address a tenant controls: provider base URLs and SMTP hosts, the FCM token endpoint,
/// webhook URLs, JWKS URLs. Checked when the address is saved (<see cref="CheckAsync"/>) and again on the address
/// actually connected to (<see cref="ConnectAsync"/>, <see cref="ConnectSocketAsync"/>), so a DNS answer that changes
/// later (rebinding) cannot reach inside. The operator's allow-list (host names, addresses or CIDR ranges) is the one
/// exception, for on-premise providers and loopback test doubles.
/// </summary>
public sealed class OutboundGuard
{
    private static readonly string[] InternalNames = ["localhost", "metadata", "metadata.google.internal"];
    private readonly HashSet<string> _allowedHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(IPAddress Net, int Bits)> _allowedRanges = [];

    /// <summary>The one answer a tenant gets for every refused destination: internal name, internal address or no address
    /// at all read alike, so saving webhook URLs or SMTP hosts cannot map the internal DNS. The detail goes to the log.</summary>
    public const string Refusal = "not an allowed destination (it must resolve to public addresses only)";

    private readonly ILogger _log;
    private readonly HostResolver _resolve;

    public OutboundGuard(IEnumerable<string> allowList, ILogger<OutboundGuard>? log = null, HostResolver? resolve = null)
    {
        _log = (ILogger?)log ?? NullLogger.Instance;
        _resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
        foreach (var entry in allowList.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (entry.Contains('/')) _allowedRanges.Add(AddressPolicy.Cidr(entry));
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var ip))
                _allowedRanges.Add((ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            else _allowedHosts.Add(entry);
        }
    }

    public bool Allowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6 && _allowedRanges.Any(r => AddressPolicy.InRange(address.MapToIPv4(), r))) return true;
        return _allowedRanges.Any(r => AddressPolicy.InRange(address, r)) || AddressPolicy.IsPublic(address);
    }

    /// <summary>Null when <paramref name="host"/> may be called; otherwise <c>'host' is</c> + <see cref="Refusal"/>, the same text
    /// whatever the reason (never the addresses, never the port). Why exactly is logged for the operator.</summary>
    public async Task<string?> CheckAsync(string host, CancellationToken ct)
    {
        host = host.Trim('[', ']');
        if (_allowedHosts.Contains(host)) return null;
        string? why;
        if (InternalNames.Contains(host, StringComparer.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            why = "an internal host name";
        else
        {
            IPAddress[] addresses;
            try { addresses = await ResolveAsync(host, ct); }
            catch (SocketException e)
            {
                addresses = [];
                _log.LogDebug("Outbound check: {Host} did not resolve ({Error})", host, e.SocketErrorCode);
            }
            why = addresses.Length == 0 ? "it does not resolve"
                : addresses.FirstOrDefault(a => !Allowed(a)) is { } bad
                    ? $"it resolves to {bad}, a loopback, private, link-local or reserved address"
                : null;
        }
        if (why is null) return null;
        _log.LogInformation("Outbound destination {Host} refused: {Reason} (Outbound:AllowedTargets can allow it)", host, why);
        return $"'{host}' is {Refusal}";
    }

    /// <summary>SocketsHttpHandler.ConnectCallback: connects only to an allowed address of the host.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct) =>
        new NetworkStream(await ConnectSocketAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct), ownsSocket: true);

    /// <summary>A TCP connection to an allowed address of <paramref name="host"/>; refused before any packet is sent otherwise.</summary>
    public async Task<Socket> ConnectSocketAsync(string host, int port, CancellationToken ct)
    {
        host = host.Trim('[', ']');
        IPAddress[] addresses;
        try { addresses = await ResolveAsync(host, ct); }
        catch (SocketException e)
        {
            _log.LogInformation("Outbound connection to {Host} refused: it does not resolve ({Error})", host, e.SocketErrorCode);
            throw new OutboundRefusedException(host);
        }
        var permitted = _allowedHosts.Contains(host) ? addresses : addresses.Where(Allowed).ToArray();
        if (permitted.Length == 0 || InternalNames.Contains(host, StringComparer.OrdinalIgnoreCase) && !_allowedHosts.Contains(host))
        {
            _log.LogInformation("Outbound connection to {Host} refused: it resolves to {Addresses}, none of them allowed", host,
                string.Join(", ", addresses.Select(a => a.ToString())));
            throw new OutboundRefusedException(host);
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, port, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A handler for tenant-directed HTTP: guarded connects, no redirects (a redirect could point inside).</summary>
    public SocketsHttpHandler Handler(Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler { ConnectCallback = ConnectAsync, AllowAutoRedirect = false };
        configure?.Invoke(handler);
        return handler;
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host, out var ip) ? [ip] : await _resolve(host, ct);
}
