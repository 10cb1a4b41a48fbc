using System.Text;
using System.Text.Json;

namespace NotificationService.Infrastructure;

/// <summary>
/// The path of the first property named twice in one object (`data.a`). System.Text.Json refuses duplicates when told
/// to (<see cref="JsonBody.Options"/>), but inside free-form JSON (a JsonObject) it throws an ArgumentException without
/// a path, so <see cref="JsonBody"/> asks this walk, on that error only, where the second name is.
/// </summary>
internal static class JsonDuplicateNames
{
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public HashSet<string>? Names { get; } = isArray ? null : new(StringComparer.Ordinal);
        public int Index;
        public string? Property;
    }

    public static string? Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        ValueDone(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        frames[^1].Property = name;
                        if (!frames[^1].Names!.Add(name)) return PathOf(frames);
                        break;
                    default:
                        ValueDone(frames);
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { }
        return null;
    }

    private static void ValueDone(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
    }

    private static string PathOf(List<Frame> frames)
    {
        var sb = new StringBuilder();
        foreach (var f in frames)
        {
            if (f.IsArray) sb.Append('[').Append(f.Index).Append(']');
            else if (f.Property is { } p) sb.Append(sb.Length > 0 ? "." : "").Append(p);
        }
        return sb.Length == 0 ? "$" : sb.ToString();
    }
}
