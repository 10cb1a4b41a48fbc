using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotificationService.Workflows.Runs;

/// <summary>The run's state as the host stores it (a JSON column), by source generation.</summary>
public static class RunStateJson
{
    public static string Serialize(RunState state) => JsonSerializer.Serialize(state, RunStateJsonContext.Default.RunState);

    public static RunState Deserialize(string json) =>
        JsonSerializer.Deserialize(json, RunStateJsonContext.Default.RunState) ?? throw new JsonException("a run state is null");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunState))]
internal sealed partial class RunStateJsonContext : JsonSerializerContext;
