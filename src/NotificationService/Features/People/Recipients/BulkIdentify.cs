using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Recipients;

/// <summary>`POST /users/bulk`: profiles to create, replace or (with `"merge": true`) merge, each with its `userId`.</summary>
public sealed record BulkIdentifyRequest
{
    public IReadOnlyList<BulkIdentifyItem>? Users { get; init; }
}

/// <summary>One user of <see cref="BulkIdentifyRequest"/>: a profile document with its userId and, optionally, `merge`.
/// Describes the body for the OpenAPI document; the body is read as JSON as it lies.</summary>
public sealed record BulkIdentifyItem : ProfileDocument
{
    public required string UserId { get; init; }
    /// <summary>true: merge into the stored profile (RFC 7396); false or absent: replace it.</summary>
    public bool? Merge { get; init; }
}

/// <summary>What the handler reads: the items where they lie in the request (no tree of 1,000 objects is built).</summary>
internal sealed record BulkIdentifyBody
{
    public JsonElement? Users { get; init; }
}

/// <summary>One user's outcome, at its index in the request: `created`, `updated`, or `error` naming its bad fields.</summary>
public sealed record BulkIdentifyResult(int Index, string? UserId, string Status, IDictionary<string, string[]>? Errors = null);

public sealed record BulkIdentifyResponse(IReadOnlyList<BulkIdentifyResult> Results);

/// <summary>
/// Bulk identify: up to <see cref="MaxUsers"/> profiles per request, written by one set-based statement (after one
/// locking read when some item merges). An invalid item is an error result and does not stop the valid ones; items for
/// the same userId apply in request order. The answer lists every item in request order.
/// </summary>
public static class BulkIdentify
{
    public const int MaxUsers = 1000;
    /// <summary>1,000 profiles of up to 16 KB of data each, with their fields.</summary>
    public const int BodyLimit = 24 * 1024 * 1024;

    public static async Task<Ok<BulkIdentifyResponse>> HandleAsync(HttpContext http, ProfileStore store, CancellationToken ct)
    {
        var (request, _) = await JsonBody.ReadAsync<BulkIdentifyBody>(http.Request, BodyLimit, ct);
        if (request.Users is not { ValueKind: JsonValueKind.Array } users || users.GetArrayLength() == 0)
            throw RequestValidationException.For("users", $"Name 1 to {MaxUsers} users.");
        var count = users.GetArrayLength();
        if (count > MaxUsers) throw RequestValidationException.For("users", $"At most {MaxUsers} users per request.");

        var results = new BulkIdentifyResult?[count];
        var writes = new List<ProfileWrite>(count);
        var indexes = new List<int>(count);
        var i = 0;
        foreach (var item in users.EnumerateArray())
        {
            if (Parse(item) is { } write) { writes.Add(write); indexes.Add(i); }
            else results[i] = new BulkIdentifyResult(i, UserIdOf(item), ProfileWriteResult.Error, ItemErrors(item));
            i++;
        }
        var written = writes.Count == 0 ? [] : await store.WriteAsync(http.User.TenantId(), writes, "", ct);
        for (var k = 0; k < written.Length; k++)
            results[indexes[k]] = new BulkIdentifyResult(indexes[k], written[k].UserId, written[k].Status, written[k].Errors);
        return TypedResults.Ok(new BulkIdentifyResponse(results!));
    }

    /// <summary>An item with a string userId and, if any, a boolean merge: the write; otherwise null. The item is read
    /// where it lies in the request (its `merge` beside the fields, <see cref="ProfileWrite.InBulk"/>).</summary>
    private static ProfileWrite? Parse(JsonElement item)
    {
        if (UserIdOf(item) is not { } userId || !IsMergeFlag(item, out var merge)) return null;
        return new ProfileWrite(userId, merge, item) { InBulk = true };
    }

    private static IDictionary<string, string[]> ItemErrors(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return new Dictionary<string, string[]> { ["$"] = ["Each user is a JSON object with a userId."] };
        var errors = new Dictionary<string, string[]>();
        if (UserIdOf(item) is null) errors["userId"] = ["Each user needs its userId (a string)."];
        if (!IsMergeFlag(item, out _)) errors["merge"] = ["true (merge into the stored profile) or false (replace it)."];
        return errors;
    }

    private static string? UserIdOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("userId", out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    /// <summary>`merge` absent, null, true or false (true: <paramref name="merge"/>); anything else is not a merge flag.</summary>
    private static bool IsMergeFlag(JsonElement item, out bool merge)
    {
        merge = false;
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("merge", out var v))
            return item.ValueKind == JsonValueKind.Object;
        merge = v.ValueKind == JsonValueKind.True;
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;
    }
}
