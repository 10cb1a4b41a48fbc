namespace NotificationService.Tests.Support;

/// <summary>An event as received. <see cref="RawId"/> is the id as sent (`own` or `own.topic`, see StreamPosition); <see cref="Id"/>
/// is its first part, the user's own sequence number.</summary>
public sealed record SseEvent(string? RawId, string Event, string Data)
{
    public long? Id => RawId is null ? null : long.Parse(RawId.Split('.')[0]);
}

/// <summary>Reads a Server-Sent Events response as the browser's EventSource would: events, and comment lines counted.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    public int Comments { get; private set; }
    public int? Retry { get; private set; }

    private SseClient(HttpResponseMessage response, Stream body) => (_response, _reader) = (response, new StreamReader(body));

    public static async Task<SseClient> OpenAsync(HttpClient http, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) throw new Xunit.Sdk.XunitException($"stream answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event (comments and `retry:` are recorded on the way); fails after the timeout.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        string? id = null, name = null;
        var data = new List<string>();
        while (true)
        {
            string? line;
            try { line = await _reader.ReadLineAsync(cts.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException("no event within the timeout"); }
            if (line is null) throw new Xunit.Sdk.XunitException("the stream ended");
            if (line.Length == 0)
            {
                if (name is null && data.Count == 0) continue;
                return new SseEvent(id, name ?? "message", string.Join("\n", data));
            }
            if (line.StartsWith(':')) { Comments++; continue; }
            var colon = line.IndexOf(':');
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": data.Add(value); break;
                case "retry": Retry = int.Parse(value); break;
            }
        }
    }

    /// <summary>Reads lines until a comment (keep-alive) arrives; an event before it fails the wait.</summary>
    public async Task WaitForCommentAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new Xunit.Sdk.XunitException("the stream ended");
            if (line.StartsWith(':')) { Comments++; return; }
            if (line.Length > 0) throw new Xunit.Sdk.XunitException($"expected a keep-alive comment, read '{line}'");
        }
    }

    /// <summary>Reads events until <paramref name="done"/> holds for the list read so far.</summary>
    public async Task<List<SseEvent>> ReadUntilAsync(Func<List<SseEvent>, bool> done, TimeSpan? timeout = null)
    {
        var events = new List<SseEvent>();
        while (!done(events)) events.Add(await NextAsync(timeout));
        return events;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
