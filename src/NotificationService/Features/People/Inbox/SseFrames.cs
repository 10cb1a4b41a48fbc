using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace NotificationService.Features.People.Inbox;

/// <summary>
/// Server-Sent Events written as UTF-8 straight into the response's pipe, flushed once per batch. One event to a topic
/// of 10,000 members is 10,000 writes on the replica's cores: each used to build a string, encode it into a new array,
/// write it (Kestrel flushes on a stream write) and flush again, and the second flush contended with the socket sender
/// for the pipe's lock. A handed-over topic event's bytes after its id are encoded once, by the hub, and shared
/// (<see cref="Tail"/>); each stream writes only its own id in front of them.
/// </summary>
public static class SseFrames
{
    private static ReadOnlySpan<byte> IdPrefix => "id: "u8;

    /// <summary>`\nevent: kind\ndata: json\n\n`: an event after its id, the same for every stream that sends it.</summary>
    public static byte[] Tail(string kind, string json) => Encoding.UTF8.GetBytes(After(kind, json));

    /// <summary>`id: own[.topic]` then the shared rest of the event.</summary>
    public static void Event(PipeWriter body, StreamPosition id, ReadOnlySpan<byte> tail)
    {
        Id(body, id);
        body.Write(tail);
    }

    /// <summary>A whole event: `id`, `event`, `data`.</summary>
    public static void Event(PipeWriter body, StreamPosition id, string kind, string json)
    {
        Id(body, id);
        Text(body, After(kind, json));
    }

    /// <summary>Raw text (a comment, the retry hint).</summary>
    public static void Text(PipeWriter body, string text) => Encoding.UTF8.GetBytes(text, body);

    private static string After(string kind, string json) => $"\nevent: {kind}\ndata: {json}\n\n";

    private static void Id(PipeWriter body, StreamPosition id)
    {
        var span = body.GetSpan(IdPrefix.Length + StreamPosition.MaxUtf8Length);
        IdPrefix.CopyTo(span);
        id.TryFormat(span[IdPrefix.Length..], out var written);
        body.Advance(IdPrefix.Length + written);
    }
}
