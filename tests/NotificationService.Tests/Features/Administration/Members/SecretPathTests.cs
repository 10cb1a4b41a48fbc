using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Infrastructure;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Members;

/// <summary>An invitation or sign-in link's token is in its path: logs and traces name those pages by route template.</summary>
[Collection("service")]
public class SecretPathTests(ServiceFixture service)
{
    [Theory]
    [InlineData("admin/invite/{token}", "/admin/invite/0123abcd.secret-part")]
    [InlineData("admin/link/{token}", "/admin/link/0123abcd.secret-part")]
    public void The_link_pages_are_logged_by_their_route_template_never_their_path(string template, string path)
    {
        var endpoint = service.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText?.TrimStart('/') == template);
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.SetEndpoint(endpoint);
        var logged = PathForLogs.Of(http);
        Assert.DoesNotContain("secret-part", logged);
        Assert.Contains("{token}", logged);
    }
}
