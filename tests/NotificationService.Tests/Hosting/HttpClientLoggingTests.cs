using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using NotificationService.Tests.Features.Administration.Sso;
using NotificationService.Tests.Features.Sending.Webhooks;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// Every named HttpClient the service registers calls URLs that tenants or operators chose (webhooks, providers, chat
/// channels, SSO issuers, end-user key sets), whose path may be the receiver's secret; .NET's client logging redacts only
/// the query. Found by discovery (each client's named options), so a client added later joins the check. The "sso"
/// fixture is the service logging at Information, every line recorded.
/// </summary>
[Collection("sso")]
public class HttpClientLoggingTests(SsoFixture service)
{
    [Fact]
    public async Task No_named_http_client_logs_the_url_it_calls()
    {
        var names = service.Factory.Services.GetServices<IConfigureOptions<HttpClientFactoryOptions>>()
            .OfType<ConfigureNamedOptions<HttpClientFactoryOptions>>().Select(o => o.Name).OfType<string>()
            .Where(n => n.Length > 0).Distinct().Order().ToList();
        Assert.Contains("webhooks", names, StringComparer.OrdinalIgnoreCase);
        await using var receiver = await LoopbackReceiver.StartAsync();
        var factory = service.Factory.Services.GetRequiredService<IHttpClientFactory>();

        var logged = new List<string>();
        foreach (var name in names)
        {
            var token = $"token-{Guid.NewGuid():N}";
            try { using var _ = await factory.CreateClient(name).PostAsync($"{receiver.Url}/{token}", new StringContent("{}")); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }   // refused or not: what was logged counts
            if (service.LogLines.Any(l => l.Contains(token))) logged.Add(name);
        }
        Assert.True(logged.Count == 0, $"HTTP clients that logged the URL: {string.Join(", ", logged)} (of {string.Join(", ", names)})");
    }
}
