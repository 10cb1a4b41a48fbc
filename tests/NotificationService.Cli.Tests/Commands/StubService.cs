using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace NotificationService.Cli.Tests.Commands;

/// <summary>
/// The service as the commands meet it over HTTP, without one: `GET api/v1/admin/config` answers the tenant's export and
/// revision, and `POST api/v1/admin/config/push` records the document and answers that nothing changed.
/// </summary>
internal sealed class StubService(JsonObject export) : HttpMessageHandler
{
    public const string Revision = "rev-1";

    public List<JsonObject> Pushes { get; } = [];

    public HttpClient Client() => new(this, disposeHandler: false) { BaseAddress = new Uri("http://notifications.test/") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        switch (request.Method.Method, request.RequestUri!.AbsolutePath)
        {
            case ("GET", "/api/v1/admin/config"):
                return Json(new JsonObject { ["export"] = export.DeepClone(), ["revision"] = Revision });
            case ("POST", "/api/v1/admin/config/push"):
                Pushes.Add(JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject());
                return Json(new JsonObject { ["changes"] = new JsonArray(), ["applied"] = false, ["revision"] = Revision });
            default:
                return new HttpResponseMessage(HttpStatusCode.NotFound);
        }
    }

    private static HttpResponseMessage Json(JsonNode body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
}
