using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>
/// Every address a tenant admin gives a provider config goes through the outbound guard when saved: internal
/// addresses are a 400 naming the field, the same answer whatever the port, and provider errors come back short.
/// (The test host allows 127.0.0.1 for its loopback doubles, as an operator would an on-premise relay; 127.0.0.2 is not.)
/// </summary>
[Collection("service")]
public class ProviderDestinationTests(ServiceFixture service)
{
    [Theory]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("http://127.0.0.2:8080")]
    [InlineData("http://10.0.0.1")]
    [InlineData("http://[::ffff:0:127.0.0.1]:8080")]
    [InlineData("http://metadata.google.internal")]
    public async Task An_internal_base_url_is_refused_at_save(string baseUrl)
    {
        var tenant = await service.BareTenantAsync();
        var response = await tenant.Http.PostJsonAsync(ProviderApi.Url, ProviderApi.SendGrid(baseUrl, "internal"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("allowed destination", (await response.JsonAsync())["errors"]!["settings.baseUrl"]![0]!.GetValue<string>());
        Assert.Empty((await (await tenant.Http.GetAsync(ProviderApi.Url)).JsonAsync()).AsArray());
    }

    [Fact]
    public async Task An_fcm_token_uri_inside_the_network_is_refused_without_repeating_the_secret()
    {
        var tenant = await service.BareTenantAsync();
        var account = """{"client_email":"push@demo.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n","token_uri":"http://169.254.169.254/token"}""";
        var response = await tenant.Http.PostJsonAsync(ProviderApi.Url, new
        {
            channel = "push", kind = "fcm", name = "push", settings = new { projectId = "demo-project-123" }, secrets = new { serviceAccountJson = account },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        var error = problem["errors"]?["secrets.serviceAccountJson"]?[0]?.GetValue<string>() ?? problem.ToJsonString();
        Assert.True(error == "Its token_uri is not an allowed destination.", error);
    }

    [Fact]
    public async Task An_smtp_host_cannot_scan_ports_an_open_and_a_closed_port_answer_alike()
    {
        var open = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        open.Start();
        try
        {
            var tenant = await service.BareTenantAsync();
            async Task<string> SaveAsync(int port)
            {
                var response = await tenant.Http.PostJsonAsync(ProviderApi.Url, new
                {
                    channel = "email", kind = "smtp", name = "scan",
                    settings = new { host = "127.0.0.2", port, fromEmail = "noreply@example.com", tls = "none" },
                });
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                return (await response.JsonAsync())["errors"]!["settings.host"]![0]!.GetValue<string>();
            }
            var openPort = ((IPEndPoint)open.LocalEndpoint).Port;
            Assert.Equal(await SaveAsync(openPort), await SaveAsync(openPort == 1 ? 2 : 1));
            Assert.False(open.Pending(), "saving the config connected to the host");
        }
        finally { open.Stop(); }
    }

    /// <summary>Internal names, internal addresses and names without an answer: one text, so saving webhook URLs or SMTP
    /// hosts cannot map the internal DNS (which names exist, and what they resolve to).</summary>
    [Fact]
    public async Task An_smtp_host_or_a_webhook_url_cannot_map_internal_dns_every_refusal_reads_alike()
    {
        var tenant = await service.BareTenantAsync();
        string[] hosts = ["localhost", "127.0.0.2", "10.0.0.1", "[::1]", "no-such-host.invalid"];
        var smtp = new List<string>();
        var hooks = new List<string>();
        foreach (var host in hosts)
        {
            var bare = host.Trim('[', ']');
            var provider = await tenant.Http.PostJsonAsync(ProviderApi.Url, new
            {
                channel = "email", kind = "smtp", name = "map", settings = new { host, port = 25, fromEmail = "noreply@example.com", tls = "none" },
            });
            Assert.Equal(HttpStatusCode.BadRequest, provider.StatusCode);
            smtp.Add((await provider.JsonAsync())["errors"]!["settings.host"]![0]!.GetValue<string>().Replace(bare, "HOST"));

            var hook = await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = $"https://{host}/hook", events = new[] { "notification.sent" } });
            Assert.Equal(HttpStatusCode.BadRequest, hook.StatusCode);
            hooks.Add((await hook.JsonAsync())["errors"]!["url"]![0]!.GetValue<string>().Replace(bare, "HOST"));
        }
        Assert.Single(smtp.Distinct());
        Assert.Single(hooks.Distinct());
        Assert.DoesNotContain("resolves to", smtp[0] + hooks[0]);
        Assert.DoesNotContain("does not resolve", smtp[0] + hooks[0]);
        Assert.Contains("not an allowed destination", smtp[0]);
    }

    [Fact]
    public async Task A_provider_error_shows_its_code_and_a_short_snippet_not_the_whole_answer()
    {
        var tenant = await service.BareTenantAsync();
        var body = """{"errors":[{"message":"SECRET-INTERNAL-DETAIL """ + new string('x', 4000) + "\"}]}";
        await using var sendgrid = await LoopbackProvider.StartAsync(async (_, ctx) =>
        {
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(body);
        });
        var id = await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(sendgrid.BaseUrl, "verbose"));
        var test = await (await tenant.Http.PostJsonAsync($"{ProviderApi.Url}/{id}/test", new { recipient = new { email = "ada@example.com" } })).JsonAsync();
        var error = test["error"]!.GetValue<string>();
        Assert.Contains("HTTP 400", error);
        Assert.InRange(error.Length, 10, 160);
    }
}
