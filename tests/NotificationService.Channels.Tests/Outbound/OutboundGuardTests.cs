using System.Net;
using System.Net.Sockets;
using NotificationService.Channels.Outbound;

namespace NotificationService.Channels.Tests.Outbound;

/// <summary>The guard refuses before any connection, with one message whatever the port, and follows no redirect.</summary>
public class OutboundGuardTests
{
    private static (TcpListener Listener, int Port) Listen()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return (l, ((IPEndPoint)l.LocalEndpoint).Port);
    }

    [Fact]
    public async Task An_internal_host_is_refused_before_connecting_and_an_open_port_reads_like_a_closed_one()
    {
        var (open, openPort) = Listen();
        var (closed, closedPort) = Listen();
        closed.Stop();
        try
        {
            var guard = new OutboundGuard([]);
            var onOpen = await Assert.ThrowsAsync<OutboundRefusedException>(() => guard.ConnectSocketAsync("127.0.0.1", openPort, default));
            var onClosed = await Assert.ThrowsAsync<OutboundRefusedException>(() => guard.ConnectSocketAsync("127.0.0.1", closedPort, default));
            Assert.Equal(onOpen.Message, onClosed.Message);
            Assert.DoesNotContain(openPort.ToString(), onOpen.Message);
            Assert.False(open.Pending(), "the guard opened a connection to a refused address");
            await Assert.ThrowsAsync<OutboundRefusedException>(() => guard.ConnectSocketAsync("localhost", openPort, default));
        }
        finally { open.Stop(); }
    }

    /// <summary>This machine's own name, when it resolves to an internal address (Debian maps it to 127.0.x.1 in /etc/hosts):
    /// a real DNS name with an internal answer, which the refusal must not tell apart from a name with no answer.</summary>
    private static string? InternalName()
    {
        var name = Dns.GetHostName();
        try { return Dns.GetHostAddresses(name) is { Length: > 0 } a && a.All(x => !AddressPolicy.IsPublic(x)) ? name : null; }
        catch (SocketException) { return null; }
    }

    [Fact]
    public async Task A_refusal_reads_the_same_whatever_the_host_resolves_to_and_for_a_name_that_does_not_resolve()
    {
        var guard = new OutboundGuard([]);
        string[] hosts = ["localhost", "127.0.0.1", "10.1.2.3", "169.254.169.254", "metadata.google.internal", "[::ffff:10.0.0.1]",
            "no-such-host.invalid", .. InternalName() is { } name ? [name] : Array.Empty<string>()];
        var texts = new List<string>();
        foreach (var host in hosts)
        {
            var refusal = await guard.CheckAsync(host, default);
            Assert.True(refusal is not null, $"{host} was not refused");
            var bare = host.Trim('[', ']');
            Assert.StartsWith($"'{bare}' is ", refusal);
            texts.Add(refusal[(bare.Length + 2)..]);
            Assert.DoesNotContain("127.0.", refusal.Replace(bare, ""));   // never what it resolved to
        }
        Assert.Equal([$" is {OutboundGuard.Refusal}"], texts.Distinct());

        // At connect time likewise: an internal answer and no answer throw the same refusal.
        var internalName = InternalName() ?? "localhost";
        var onInternal = await Assert.ThrowsAsync<OutboundRefusedException>(() => guard.ConnectSocketAsync(internalName, 25, default));
        var onMissing = await Assert.ThrowsAsync<OutboundRefusedException>(() => guard.ConnectSocketAsync("no-such-host.invalid", 25, default));
        Assert.Equal(onInternal.Message.Replace(internalName, "HOST"), onMissing.Message.Replace("no-such-host.invalid", "HOST"));
    }

    [Fact]
    public async Task Http_through_the_guard_reaches_allowed_hosts_only_and_does_not_follow_redirects()
    {
        var (listener, port) = Listen();
        var served = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            var answer = "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();
            await stream.WriteAsync(answer);
        });
        try
        {
            using var refused = new HttpClient(new OutboundGuard([]).Handler());
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetAsync($"http://127.0.0.1:{port}/"));
            Assert.Contains("refused", e.ToString());

            using var allowed = new HttpClient(new OutboundGuard(["127.0.0.1"]).Handler());
            var response = await allowed.GetAsync($"http://127.0.0.1:{port}/");
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);   // answered as it came: the redirect is not followed
            await served;
        }
        finally { listener.Stop(); }
    }
}
