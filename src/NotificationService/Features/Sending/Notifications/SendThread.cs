using System.Text.Json.Nodes;
using NotificationService.Channels;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// `thread` of a send: the key under which the inbox component collapses an in_app item with its siblings. Like
/// `expiresAt` it rides in the in_app notification's metadata (`metadata.thread`), which the ledger already stores and
/// the worker already hands to the inbox: no column, no migration on the notifications table.
/// </summary>
public static class SendThread
{
    public const string MetadataKey = "thread";
    public const int MaxLength = 200;

    /// <summary>The thread key the send gives (null: none); a bad one adds an error naming `thread`.</summary>
    public static string? Check(SendParts req, IReadOnlyCollection<string> channels, Dictionary<string, string[]> errors)
    {
        if (req.Thread is not { } thread) return null;
        if (thread.Length is 0 or > MaxLength) errors["thread"] = [$"thread is 1 to {MaxLength} characters."];
        else if (!channels.Contains(ChannelNames.InApp))
            errors["thread"] = ["Only in_app items are threaded: this send has no in_app channel."];
        else if (req.Metadata?[MetadataKey] is not null) errors["thread"] = ["Give thread or metadata.thread, not both."];
        else return thread;
        return null;
    }

    /// <summary>The metadata with the thread key (a copy when it changes: drafts share the request's).</summary>
    public static JsonObject? Stamp(JsonObject? metadata, string? thread)
    {
        if (thread is null) return metadata;
        var stamped = metadata?.DeepClone().AsObject() ?? [];
        stamped[MetadataKey] = thread;
        return stamped;
    }
}
