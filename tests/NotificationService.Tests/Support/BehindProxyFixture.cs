using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace NotificationService.Tests.Support;

/// <summary>
/// The service as the Helm chart runs it behind its ingress: a real Kestrel port whose one peer (127.0.0.1, the test)
/// is a known proxy (`ForwardedHeaders:KnownProxies`), so the X-Forwarded-For / X-Forwarded-Proto a spec sends play the
/// client's address and scheme, as the ingress's would.
/// </summary>
public sealed class BehindProxyFixture : ServiceFixture
{
    protected override bool RealServer => true;

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("ForwardedHeaders:KnownProxies", "127.0.0.1");

    public Uri BaseAddress => new(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        .Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
}

[CollectionDefinition("behind-proxy")]
public sealed class BehindProxyCollection : ICollectionFixture<BehindProxyFixture>;
