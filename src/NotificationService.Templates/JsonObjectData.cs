namespace NotificationService.Templates;

/// <summary>A JSON object as Handlebars.Net sees it. It prints as "[object Object]", as in handlebars.js,
/// instead of a .NET type name.</summary>
internal sealed class JsonObjectData(int capacity) : Dictionary<string, object?>(capacity, StringComparer.Ordinal)
{
    public override string ToString() => "[object Object]";
}

/// <summary>An empty JSON object. Handlebars.Net treats every empty enumerable as falsy, but in JavaScript
/// <c>{}</c> is truthy, so <c>{{#if settings}}</c> must be true for <c>"settings": {}</c>. A non-enumerable
/// object without members gives exactly that, and still iterates as empty in #each.</summary>
internal sealed class EmptyJsonObject
{
    public static readonly EmptyJsonObject Instance = new();

    private EmptyJsonObject() { }

    public override string ToString() => "[object Object]";
}
