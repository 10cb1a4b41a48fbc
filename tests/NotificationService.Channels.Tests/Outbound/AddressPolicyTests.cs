using System.Net;
using NotificationService.Channels.Outbound;

namespace NotificationService.Channels.Tests.Outbound;

/// <summary>What a tenant-supplied destination may resolve to: public unicast only, whatever the encoding.</summary>
public class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")] [InlineData("10.1.2.3")] [InlineData("172.16.0.1")] [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]                 // cloud metadata
    [InlineData("100.64.0.1")]                      // CGNAT
    [InlineData("198.18.0.1")]                      // benchmarking
    [InlineData("0.0.0.0")] [InlineData("224.0.0.1")] [InlineData("255.255.255.255")] [InlineData("192.0.2.1")]
    [InlineData("::")] [InlineData("::1")] [InlineData("fe80::1")] [InlineData("fc00::1")] [InlineData("fd12:3456::1")]
    [InlineData("fec0::1")]                         // site-local
    [InlineData("ff02::1")] [InlineData("2001:db8::1")] [InlineData("2001:2::1")]
    [InlineData("::127.0.0.1")]                     // IPv4-compatible
    [InlineData("::ffff:127.0.0.1")]                // IPv4-mapped
    [InlineData("::ffff:0:127.0.0.1")]              // IPv4-translated
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::7f00:1")]                 // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")]              // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::7f00:1")]               // local-use NAT64 /48
    [InlineData("2002:7f00:1::1")]                  // 6to4 of 127.0.0.1
    [InlineData("2002:a00:1::1")]                   // 6to4 of 10.0.0.1
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")] // Teredo, client 127.0.0.1 (inverted bits)
    public void Internal_addresses_in_any_encoding_are_not_public(string address) =>
        Assert.False(AddressPolicy.IsPublic(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("8.8.8.8")] [InlineData("1.1.1.1")] [InlineData("2606:4700:4700::1111")] [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")] [InlineData("2002:808:808::1")]
    public void Public_addresses_are_public(string address) => Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address)), address);

    [Fact]
    public void The_allow_list_admits_what_the_operator_named_and_nothing_near_it()
    {
        var guard = new OutboundGuard(["127.0.0.1", "10.20.0.0/16"]);
        Assert.True(guard.Allowed(IPAddress.Parse("127.0.0.1")));
        Assert.True(guard.Allowed(IPAddress.Parse("10.20.3.4")));
        Assert.False(guard.Allowed(IPAddress.Parse("127.0.0.2")));
        Assert.False(guard.Allowed(IPAddress.Parse("10.21.0.1")));
        Assert.False(guard.Allowed(IPAddress.Parse("::127.0.0.1")));
        Assert.False(guard.Allowed(IPAddress.Parse("2002:7f00:1::1")));
    }
}
