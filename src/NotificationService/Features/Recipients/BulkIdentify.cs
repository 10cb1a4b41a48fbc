using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Recipients;

/// <summary>`POST /users/bulk`: profiles to create, replace or (with `"merge": true`) merge, each with its `userId`.</summary>
public sealed record BulkIdentifyRequest
{
    public JsonArray? Users { get; init; }
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
        var (request, _) = await JsonBody.ReadAsync<BulkIdentifyRequest>(http.Request, BodyLimit, ct);
        if (request.Users is not { Count: > 0 } users) throw RequestValidationException.For("users", $"Name 1 to {MaxUsers} users.");
        if (users.Count > MaxUsers) throw RequestValidationException.For("users", $"At most {MaxUsers} users per request.");

        var results = new BulkIdentifyResult?[users.Count];
        var writes = new List<ProfileWrite>(users.Count);
        var indexes = new List<int>(users.Count);
        for (var i = 0; i < users.Count; i++)
        {
            if (Parse(users[i]) is { } write) { writes.Add(write); indexes.Add(i); }
            else results[i] = new BulkIdentifyResult(i, UserIdOf(users[i]), ProfileWriteResult.Error, ItemErrors(users[i]));
        }
        var written = writes.Count == 0 ? [] : await store.WriteAsync(http.User.TenantId(), writes, "", ct);
        for (var k = 0; k < written.Length; k++)
            results[indexes[k]] = new BulkIdentifyResult(indexes[k], written[k].UserId, written[k].Status, written[k].Errors);
        return TypedResults.Ok(new BulkIdentifyResponse(results!));
    }

    /// <summary>An item with a string userId and, if any, a boolean merge: the write (without `merge`); otherwise null. The
    /// item itself becomes the document (the request's tree is this request's alone; merge patch and the rules copy what
    /// they keep), rather than a deep copy of each.</summary>
    private static ProfileWrite? Parse(JsonNode? item)
    {
        if (item is not JsonObject o || UserIdOf(o) is not { } userId || !IsMergeFlag(o["merge"], out var merge)) return null;
        o.Remove("merge");
        return new ProfileWrite(userId, merge, o);
    }

    private static IDictionary<string, string[]> ItemErrors(JsonNode? item)
    {
        if (item is not JsonObject o) return new Dictionary<string, string[]> { ["$"] = ["Each user is a JSON object with a userId."] };
        var errors = new Dictionary<string, string[]>();
        if (UserIdOf(o) is null) errors["userId"] = ["Each user needs its userId (a string)."];
        if (!IsMergeFlag(o["merge"], out _)) errors["merge"] = ["true (merge into the stored profile) or false (replace it)."];
        return errors;
    }

    private static string? UserIdOf(JsonNode? item) =>
        item is JsonObject o && o["userId"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool IsMergeFlag(JsonNode? node, out bool merge)
    {
        merge = node is JsonValue v && v.GetValueKind() == JsonValueKind.True;
        return node is null || node is JsonValue { } b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
    }
}
