using System.Net;
using System.Net.Sockets;

namespace NotificationService.Channels.Outbound;

/// <summary>
/// Which IP addresses a tenant-supplied destination may reach: none that is loopback, private, link-local (cloud
/// metadata 169.254.169.254), CGNAT, benchmarking, documentation, multicast, reserved or unspecified; IPv6 unique-local,
/// site-local and the local-use NAT64 prefix 64:ff9b:1::/48; and every IPv6 form that carries an IPv4 address (mapped,
/// translated, compatible, NAT64 /96, 6to4, Teredo) is judged by the IPv4 address it carries, so no encoding of
/// 127.0.0.1 gets through.
/// </summary>
public static class AddressPolicy
{
    private static readonly (IPAddress Net, int Bits)[] BlockedV4 =
    [
        Cidr("0.0.0.0/8"), Cidr("10.0.0.0/8"), Cidr("100.64.0.0/10"), Cidr("127.0.0.0/8"), Cidr("169.254.0.0/16"),
        Cidr("172.16.0.0/12"), Cidr("192.0.0.0/24"), Cidr("192.0.2.0/24"), Cidr("192.88.99.0/24"), Cidr("192.168.0.0/16"),
        Cidr("198.18.0.0/15"), Cidr("198.51.100.0/24"), Cidr("203.0.113.0/24"), Cidr("224.0.0.0/4"), Cidr("240.0.0.0/4"),
    ];

    private static readonly (IPAddress Net, int Bits)[] BlockedV6 =
    [
        Cidr("::/128"), Cidr("::1/128"), Cidr("64:ff9b:1::/48"), Cidr("100::/64"), Cidr("2001:2::/48"), Cidr("2001:db8::/32"),
        Cidr("2001:10::/28"), Cidr("2001:20::/28"), Cidr("fc00::/7"), Cidr("fe80::/10"), Cidr("fec0::/10"), Cidr("ff00::/8"),
    ];

    /// <summary>True when <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedV4(address) is { } v4) return IsPublic(v4);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => !BlockedV4.Any(r => InRange(address, r)),
            AddressFamily.InterNetworkV6 => !BlockedV6.Any(r => InRange(address, r)),
            _ => false,
        };
    }

    /// <summary>The IPv4 address an IPv6 address carries, for the forms that carry one; null otherwise.</summary>
    public static IPAddress? EmbeddedV4(IPAddress v6)
    {
        var b = v6.GetAddressBytes();
        IPAddress V4(int at, bool inverted = false) =>
            new([.. b.Skip(at).Take(4).Select(x => inverted ? (byte)~x : x)]);
        bool Zero(int from, int to) => b[from..to].All(x => x == 0);

        if (Zero(0, 10) && b[10] == 0xFF && b[11] == 0xFF) return V4(12);                   // ::ffff:a.b.c.d (mapped)
        if (Zero(0, 8) && b[8] == 0xFF && b[9] == 0xFF && Zero(10, 12)) return V4(12);       // ::ffff:0:a.b.c.d (translated)
        if (Zero(0, 12)) return b[12..].All(x => x == 0) || (Zero(12, 15) && b[15] == 1) ? null : V4(12); // ::a.b.c.d (compatible),
                                                                                                           // not :: or ::1
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && Zero(4, 12)) return V4(12); // NAT64 64:ff9b::/96
        if (b[0] == 0x20 && b[1] == 0x02) return V4(2);                                      // 6to4 2002:aabb:ccdd::/48
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) return V4(12, inverted: true); // Teredo 2001::/32: client address,
                                                                                                   // bits inverted
        return null;
    }

    internal static bool InRange(IPAddress a, (IPAddress Net, int Bits) r)
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

    internal static (IPAddress Net, int Bits) Cidr(string s)
    {
        var parts = s.Split('/');
        return (IPAddress.Parse(parts[0]), int.Parse(parts[1]));
    }
}
