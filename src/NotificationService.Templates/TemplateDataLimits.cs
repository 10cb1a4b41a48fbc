using System.Text.Json.Nodes;

namespace NotificationService.Templates;

/// <summary>Thrown when render data breaks <see cref="TemplateDataLimits"/>; the API maps it to a 4xx.</summary>
public sealed class TemplateDataTooLargeException(string message) : Exception(message);

/// <summary>Bounds on the data a caller may send for one message, so that a single request cannot make
/// rendering slow or the stack deep. Render enforces them; <see cref="Check"/> lets an API reject data
/// before it is stored.</summary>
public static class TemplateDataLimits
{
    public const int MaxDataBytes = 1024 * 1024;
    public const int MaxDepth = 32;
    public const int MaxTemplateBytes = 256 * 1024;

    /// <summary>Null when the data is acceptable, otherwise a message fit for an API error.</summary>
    public static string? Check(JsonNode? data)
    {
        try
        {
            JsonDataConverter.ToPlain(data);
            return null;
        }
        catch (TemplateDataTooLargeException e)
        {
            return e.Message;
        }
    }

    public static void EnsureWithinLimits(JsonNode? data)
    {
        if (Check(data) is { } problem) throw new TemplateDataTooLargeException(problem);
    }
}
