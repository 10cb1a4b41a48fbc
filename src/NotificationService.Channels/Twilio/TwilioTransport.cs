using System.Net.Http.Headers;
using Twilio.Http;

namespace NotificationService.Channels.Twilio;

/// <summary>
/// What one send hands the transport and gets back: the caller's token (the SDK's calls take none) and the raw response,
/// whose headers (Retry-After) and status the SDK's ApiException does not carry.
/// </summary>
internal sealed class TwilioCall(CancellationToken ct)
{
    public CancellationToken CancellationToken { get; } = ct;
    public Response? Response { get; set; }
}

/// <summary>
/// The Twilio library's transport, over the project's outbound-guarded HttpClient: the request the SDK built is sent to
/// the config's base URL (the SDK always builds https://api.twilio.com/…; a loopback double or Prism takes its place),
/// with the cancellation token of the send in progress (<see cref="Current"/>), and the response keeps its headers.
/// </summary>
internal sealed class TwilioTransport(System.Net.Http.HttpClient http, string baseUrl, AuthenticationHeaderValue authorization)
    : global::Twilio.Http.HttpClient
{
    /// <summary>The send in progress on this async flow; set by the adapter around each SDK call.</summary>
    public static readonly AsyncLocal<TwilioCall?> Current = new();

    public override Response MakeRequest(Request request) => MakeRequestAsync(request).GetAwaiter().GetResult();

    public override async Task<Response> MakeRequestAsync(Request request)
    {
        var call = Current.Value;
        var ct = call?.CancellationToken ?? CancellationToken.None;
        // Only the path and query are kept (the host is the config's), so a request without query parameters takes the
        // path the SDK already parsed instead of ConstructUrl's rebuilt string and second Uri.
        var path = request.QueryParams.Count == 0 ? request.Uri.PathAndQuery : request.ConstructUrl().PathAndQuery;
        using var message = new HttpRequestMessage(Method(request.Method), new Uri(baseUrl + path));
        // The transport belongs to one config's credentials (the ones the SDK sets on every request): encoded once.
        message.Headers.Authorization = authorization;
        message.Headers.TryAddWithoutValidation("Accept", "application/json");
        foreach (var (name, value) in request.HeaderParams) message.Headers.TryAddWithoutValidation(name, value);
        if (!Equals(request.Method, global::Twilio.Http.HttpMethod.Get))
            message.Content = new FormUrlEncodedContent(request.PostParams);

        using var response = await http.SendAsync(message, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var result = new Response(response.StatusCode, body, response.Headers);
        if (call is not null) call.Response = result;
        return result;
    }

    private static System.Net.Http.HttpMethod Method(global::Twilio.Http.HttpMethod method) =>
        Equals(method, global::Twilio.Http.HttpMethod.Post) ? System.Net.Http.HttpMethod.Post
        : Equals(method, global::Twilio.Http.HttpMethod.Get) ? System.Net.Http.HttpMethod.Get
        : new System.Net.Http.HttpMethod(method.ToString());
}
