using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NotificationService.Client;

/// <summary><c>POST /services/notifications/send-batch</c>: one message to up to 1,000 recipients, each with its own data.</summary>
public sealed record SendBatchRequest : SendOptions
{
    /// <summary>Up to 1,000 recipients.</summary>
    public IReadOnlyList<BatchRecipient>? Recipients { get; init; }
}

/// <summary><c>POST /services/notifications/send-chunk</c>: more recipients for a batch, which supplies the rest.</summary>
public sealed record SendChunkRequest
{
    /// <summary>The batch (from <see cref="BatchAccepted.BatchId"/>).</summary>
    public Guid? BatchId { get; init; }
    /// <summary>Up to 1,000 recipients.</summary>
    public IReadOnlyList<BatchRecipient>? Recipients { get; init; }
}

/// <summary>One recipient of a batch.</summary>
public sealed record BatchRecipient
{
    /// <summary>Your user's id.</summary>
    public string? UserId { get; init; }
    /// <summary>An email address.</summary>
    public string? Email { get; init; }
    /// <summary>An E.164 phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>Push device tokens.</summary>
    public IReadOnlyList<string>? DeviceTokens { get; init; }
    /// <summary>A chat destination (wins over the profile's).</summary>
    public ChatDestination? Chat { get; init; }
    /// <summary>This recipient's locale.</summary>
    public string? Locale { get; init; }
    /// <summary>This recipient's data, merged over the batch's.</summary>
    public JsonObject? Data { get; init; }
}

/// <summary>A batch or chunk accepted: how many recipients were, and which were not and why.</summary>
public sealed record BatchAccepted : ApiModel
{
    /// <summary>The batch's id.</summary>
    public Guid BatchId { get; init; }
    /// <summary>Notifications accepted.</summary>
    public int Accepted { get; init; }
    /// <summary>Recipients refused, by index, with the errors by field.</summary>
    public IReadOnlyList<RejectedRecipient> Rejected { get; init; } = [];
    /// <summary>The service answered an earlier call with the same Idempotency-Key.</summary>
    public bool Replayed { get; init; }
}

/// <summary>A recipient a batch refused.</summary>
public sealed record RejectedRecipient : ApiModel
{
    /// <summary>Its index in the request.</summary>
    public int Index { get; init; }
    /// <summary>Its errors by field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();
}

/// <summary>A batch's live counts.</summary>
public sealed record BatchStatus : ApiModel
{
    /// <summary>Its id.</summary>
    public Guid BatchId { get; init; }
    /// <summary>Notifications accepted.</summary>
    public int Accepted { get; init; }
    /// <summary>Recipients refused.</summary>
    public int Rejected { get; init; }
    /// <summary>Chunks received.</summary>
    public int Chunks { get; init; }
    /// <summary>Notifications per status.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; init; } = new Dictionary<string, long>();
    /// <summary>Every notification has reached a final status.</summary>
    public bool Settled { get; init; }
    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The form of a CSV send (<c>POST /services/notifications/bulk/csv</c>), beside the file.</summary>
public sealed record CsvSendOptions
{
    /// <summary>The channel every row is sent on.</summary>
    public required string Channel { get; init; }
    /// <summary>A published template key; columns fill its variables.</summary>
    public required string Template { get; init; }
    /// <summary>The locale of rows without a locale column.</summary>
    public string? Locale { get; init; }
    /// <summary>high, normal or low.</summary>
    public string? Priority { get; init; }
    /// <summary>CSV column → recipient field (email, phone, user_id, device_token, locale).</summary>
    public IReadOnlyDictionary<string, string>? Mapping { get; init; }
    /// <summary>Validate and report, send nothing.</summary>
    public bool? DryRun { get; init; }
    /// <summary>A category for every row.</summary>
    public string? Category { get; init; }
    /// <summary>Deliver past opt-outs (needs notifications:override).</summary>
    public bool? OverridePreferences { get; init; }
    /// <summary>The file's name, as the job will show it.</summary>
    public string FileName { get; init; } = "upload.csv";
}

/// <summary>A CSV job (a send or a profile import) accepted.</summary>
public sealed record BulkJobAccepted : ApiModel
{
    /// <summary>The job's id.</summary>
    public Guid JobId { get; init; }
    /// <summary>validating at first.</summary>
    public string Status { get; init; } = "";
    /// <summary>Where its progress is read.</summary>
    public string StatusUrl { get; init; } = "";
}

/// <summary>A CSV job's progress and counts.</summary>
public sealed record BulkJob : ApiModel
{
    /// <summary>Its id.</summary>
    public Guid JobId { get; init; }
    /// <summary>validating, enqueuing, completed, failed or cancelled.</summary>
    public string Status { get; init; } = "";
    /// <summary>send or profiles.</summary>
    public string? Kind { get; init; }
    /// <summary>A dry run sends nothing.</summary>
    public bool DryRun { get; init; }
    /// <summary>The file's name.</summary>
    public string? FileName { get; init; }
    /// <summary>The file's size.</summary>
    public long FileBytes { get; init; }
    /// <summary>Rows in the file (once known).</summary>
    public long? TotalRows { get; init; }
    /// <summary>Rows done.</summary>
    public long ProcessedRows { get; init; }
    /// <summary>Rows accepted.</summary>
    public long AcceptedRows { get; init; }
    /// <summary>Rows rejected (see the error report).</summary>
    public long RejectedRows { get; init; }
    /// <summary>Rows repeating an earlier one.</summary>
    public long DuplicateRows { get; init; }
    /// <summary>0 to 100.</summary>
    public double Percent { get; init; }
    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }
    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>It will not change any more.</summary>
    [JsonIgnore]
    public bool IsFinished => Status is "completed" or "failed" or "cancelled";
}

/// <summary>How far an upload has gone.</summary>
/// <param name="BytesSent">Bytes of the file sent so far.</param>
/// <param name="TotalBytes">The file's length, when the stream knows it.</param>
public readonly record struct UploadProgress(long BytesSent, long? TotalBytes);
