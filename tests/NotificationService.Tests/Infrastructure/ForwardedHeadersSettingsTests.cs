using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Hosting;
using NotificationService.Infrastructure;

namespace NotificationService.Tests.Infrastructure;

/// <summary>`ForwardedHeaders:*`: off unless proxies are named; lists as arrays (the chart) or comma-separated; a bad entry
/// stops start-up naming the key instead of believing nobody (or everybody) silently.</summary>
public class ForwardedHeadersSettingsTests
{
    internal static TrustedProxies? Configure(params (string Key, string Value)[] settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        return new ServiceCollection().AddForwardedHeadersFromProxies(config).BuildServiceProvider().GetService<TrustedProxies>();
    }

    [Fact]
    public void Nobody_is_believed_unless_proxies_are_named() => Assert.Null(Configure());

    [Fact]
    public void Named_proxies_and_networks_replace_the_loopback_default()
    {
        var proxies = Configure(("ForwardedHeaders:KnownProxies", "10.0.0.10, fd00::10"), ("ForwardedHeaders:KnownNetworks:0", "10.244.0.0/16"),
            ("ForwardedHeaders:KnownNetworks:1", "192.168.0.0/16"), ("ForwardedHeaders:ForwardLimit", "2"))!;
        Assert.Equal([IPAddress.Parse("10.0.0.10"), IPAddress.Parse("fd00::10")], proxies.Options.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("10.244.0.0/16"), System.Net.IPNetwork.Parse("192.168.0.0/16")], proxies.Options.KnownIPNetworks);
        Assert.Equal(2, proxies.Options.ForwardLimit);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "ingress.local")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0")]
    public void A_bad_entry_stops_start_up_naming_the_key(string key, string value)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => Configure((key, value)));
        Assert.Contains(key, e.Message);
    }
}
