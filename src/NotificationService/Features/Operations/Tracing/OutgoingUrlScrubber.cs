using System.Diagnostics;
using OpenTelemetry;

namespace NotificationService.Features.Operations.Tracing;

/// <summary>
/// An outgoing HTTP call's span carries its URL (`url.full`), which .NET redacts only in the query; a tenant's webhook or
/// chat URL holds its secret in the path (Slack's, Discord's and Teams' incoming webhooks, Zapier's catch hooks). Before
/// export the URL is cut to its origin, as `server.address` and `server.port` already say it; which provider and
/// channel a call was for is in the span's parent and the adapters' metrics.
/// </summary>
public sealed class OutgoingUrlScrubber : BaseProcessor<Activity>
{
    public const string UrlTag = "url.full";

    public override void OnEnd(Activity data)
    {
        if (data.Kind != ActivityKind.Client || data.GetTagItem(UrlTag) is not string url) return;
        data.SetTag(UrlTag, Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/*" : null);
    }
}
