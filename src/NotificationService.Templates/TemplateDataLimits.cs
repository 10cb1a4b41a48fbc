using System.Text.Json.Nodes;

namespace NotificationService.Templates;

/// <summary>Thrown when render data breaks <see cref="TemplateDataLimits"/>; the API maps it to a 400/422.</summary>
public sealed class TemplateDataTooLargeException(string message) : Exception(message);

/// <summary>Bounds on the data a caller may send for one message, so that a single request cannot make
/// rendering slow or the stack deep.</summary>
public static class TemplateDataLimits
{
    public const int MaxDataBytes = 1024 * 1024;
    public const int MaxDepth = 32;
    public const int MaxTemplateBytes = 256 * 1024;

    /// <summary>Null when the data is acceptable, otherwise a message fit for an API error.</summary>
    public static string? Check(JsonNode? data)
    {
        if (data is null) return null;
        var depth = Depth(data, 1);
        if (depth > MaxDepth) return $"Template data is nested {depth} levels deep; the limit is {MaxDepth}.";
        var size = System.Text.Encoding.UTF8.GetByteCount(data.ToJsonString());
        return size > MaxDataBytes ? $"Template data is {size} bytes; the limit is {MaxDataBytes} bytes (1 MB)." : null;
    }

    public static void EnsureWithinLimits(JsonNode? data)
    {
        if (Check(data) is { } problem) throw new TemplateDataTooLargeException(problem);
    }

    /// <summary>Stops counting once past the limit, so a hostile document costs no more than the limit.</summary>
    private static int Depth(JsonNode node, int level)
    {
        if (level > MaxDepth) return level;
        var deepest = level;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is null) continue;
            deepest = Math.Max(deepest, Depth(child, level + 1));
            if (deepest > MaxDepth) break;
        }
        return deepest;
    }
}
