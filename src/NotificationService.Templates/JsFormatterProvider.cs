using System.Diagnostics.CodeAnalysis;
using HandlebarsDotNet;
using HandlebarsDotNet.IO;

namespace NotificationService.Templates;

/// <summary>Prints values the way handlebars.js does where .NET would differ: booleans as "true"/"false"
/// (not "True"), JSON objects as "[object Object]".</summary>
internal sealed class JsFormatterProvider : IFormatterProvider, IFormatter
{
    public bool TryCreateFormatter(Type type, [NotNullWhen(true)] out IFormatter? formatter)
    {
        var handled = type == typeof(bool) || type == typeof(JsonObjectData) || type == typeof(EmptyJsonObject);
        formatter = handled ? this : null;
        return handled;
    }

    public void Format<T>(T value, in EncodedTextWriter writer)
    {
        var text = value switch
        {
            bool b => b ? "true" : "false",
            _ => "[object Object]",
        };
        writer.Write(text, false);
    }
}
