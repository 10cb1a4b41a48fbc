using System.Buffers.Text;

namespace NotificationService.Features.People.Inbox;

/// <summary>
/// Where a live stream is: <see cref="Own"/>, the last event of the user's own sequence it sent (inbox changes, counts,
/// application events to the user), and <see cref="Topic"/>, the last of the tenant's topic-event sequence it has
/// passed. The SSE id is `own.topic`, or just `own` while the tenant has published no topic event (so ids are what they
/// always were for a tenant without topic events). Each event moves one of the two, so any prefix of what a stream sent
/// is one position, and resuming at it replays exactly the rest: the own events after `own`, the topic events after `topic`.
/// </summary>
public readonly record struct StreamPosition(long Own, long Topic)
{
    /// <summary>Two longs and a dot, at most.</summary>
    public const int MaxUtf8Length = 20 + 1 + 20;

    public override string ToString() => Topic == 0 ? Own.ToString() : $"{Own}.{Topic}";

    /// <summary>The id as <see cref="ToString"/> gives it, as UTF-8 straight into a stream's buffer (<see cref="SseFrames"/>).</summary>
    public bool TryFormat(Span<byte> utf8, out int written)
    {
        written = 0;
        if (!Utf8Formatter.TryFormat(Own, utf8, out var own)) return false;
        if (Topic == 0) { written = own; return true; }
        if (utf8.Length <= own || !Utf8Formatter.TryFormat(Topic, utf8[(own + 1)..], out var topic)) return false;
        utf8[own] = (byte)'.';
        written = own + 1 + topic;
        return true;
    }

    public static StreamPosition? Parse(string id)
    {
        var dot = id.IndexOf('.');
        if (dot < 0) return long.TryParse(id, out var own) && own >= 0 ? new StreamPosition(own, 0) : null;
        return long.TryParse(id.AsSpan(0, dot), out var o) && o >= 0 && long.TryParse(id.AsSpan(dot + 1), out var t) && t >= 0
            ? new StreamPosition(o, t)
            : null;
    }
}
