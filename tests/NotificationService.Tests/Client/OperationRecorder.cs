using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace NotificationService.Tests.Client;

/// <summary>
/// Every request the client sent, named by the operation of the API document it reached (<c>GET /api/v1/services/topics/{key}</c>):
/// how a spec shows that each client method was used against the service, not only written.
/// </summary>
public sealed class OperationRecorder
{
    private readonly ConcurrentBag<(string Method, string Path)> _sent = [];

    public DelegatingHandler Handler() => new Recording(this);

    /// <summary>The operations among <paramref name="operations"/> that some request reached (the most literal template wins).</summary>
    public HashSet<string> Reached(IEnumerable<string> operations)
    {
        var templates = operations.Select(o => (Key: o, Method: o.Split(' ')[0], Regex: new Regex("^" + Regex.Replace(Regex.Escape(o.Split(' ')[1]),
                @"\\\{[^}]+}", "[^/]+") + "$"), Literals: o.Split(' ')[1].Split('/').Count(s => !s.StartsWith('{')))).ToList();
        return _sent.Select(r => templates.Where(t => t.Method == r.Method && t.Regex.IsMatch(r.Path)).OrderByDescending(t => t.Literals).FirstOrDefault().Key)
            .OfType<string>().ToHashSet();
    }

    private sealed class Recording(OperationRecorder recorder) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            recorder._sent.Add((request.Method.Method, request.RequestUri!.AbsolutePath));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
