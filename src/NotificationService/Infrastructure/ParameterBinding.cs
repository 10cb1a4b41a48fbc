using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace NotificationService.Infrastructure;

/// <summary>
/// A query, route or header value minimal APIs could not bind (`?limit=abc`, `?from=yesterday`), as a 400 naming the
/// parameter. The framework answers such a request with a bare 400 (no detail, no field), and the request delegate
/// generator does so even when told to throw; it does describe every parameter it binds (IParameterBindingMetadata). So a
/// 400 of an endpoint is checked against that description: each parsable parameter's value is parsed again as the
/// framework parses it, and the ones that do not parse (or are required and absent) are named, by the name the request
/// uses for them.
/// </summary>
public static class ParameterBinding
{
    /// <summary>The 400 naming the parameters that did not bind, or null when every one binds (the 400 is another's).</summary>
    public static RequestValidationException? Problem(HttpContext http)
    {
        if (http.GetEndpoint() is not RouteEndpoint endpoint) return null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var parameter in endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>())
        {
            if (!parameter.HasTryParse) continue;   // services, bodies, the context: nothing a caller wrote in the URL or a header
            var info = parameter.ParameterInfo;
            var (values, name) = ValuesOf(http, endpoint, info, parameter.Name);
            var type = Nullable.GetUnderlyingType(info.ParameterType) ?? info.ParameterType;
            var element = type.IsArray ? type.GetElementType()! : type;
            if (values.Count == 0 || values.All(string.IsNullOrEmpty))
            {
                if (!parameter.IsOptional) errors[name] = [$"{name} is required."];
            }
            else if (values.Any(v => !string.IsNullOrEmpty(v) && !Parses(element, v!)))
                errors[name] = [Expected(element)];
        }
        return errors.Count == 0 ? null
            : new RequestValidationException(errors, detail: string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));
    }

    /// <summary>Where the framework reads the parameter: a [FromQuery]/[FromRoute]/[FromHeader] (and its Name) when given,
    /// else the route value of that name, else the query.</summary>
    private static (IReadOnlyList<string?> Values, string Name) ValuesOf(HttpContext http, RouteEndpoint endpoint, ParameterInfo info,
        string name)
    {
        foreach (var attribute in info.GetCustomAttributes())
            switch (attribute)
            {
                case IFromRouteMetadata r: return ([http.Request.RouteValues[r.Name ?? name]?.ToString()], r.Name ?? name);
                case IFromQueryMetadata q: return ([.. http.Request.Query[q.Name ?? name]], q.Name ?? name);
                case IFromHeaderMetadata h: return ([.. http.Request.Headers[h.Name ?? name]], h.Name ?? name);
            }
        return endpoint.RoutePattern.GetParameter(name) is not null
            ? ([http.Request.RouteValues[name]?.ToString()], name)
            : ([.. http.Request.Query[name]], name);
    }

    private static bool Parses(Type type, string value)
    {
        if (type == typeof(string)) return true;
        if (type.IsEnum) return Enum.TryParse(type, value, out _);
        var withCulture = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static,
            [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]);
        if (withCulture is not null) return (bool)withCulture.Invoke(null, [value, CultureInfo.InvariantCulture, null])!;
        var plain = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType()]);
        return plain is null || (bool)plain.Invoke(null, [value, null])!;
    }

    /// <summary>What a parameter of this type takes, in words.</summary>
    private static string Expected(Type type)
    {
        if (type.IsEnum) return $"One of {string.Join(", ", Enum.GetNames(type).Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.";
        return type switch
        {
            _ when type == typeof(int) => $"A whole number from {int.MinValue} to {int.MaxValue}.",
            _ when type == typeof(long) => $"A whole number from {long.MinValue} to {long.MaxValue}.",
            _ when type == typeof(short) => $"A whole number from {short.MinValue} to {short.MaxValue}.",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "A number, e.g. 12.5.",
            _ when type == typeof(bool) => "true or false.",
            _ when type == typeof(Guid) => "A UUID, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301.",
            _ when type == typeof(UtcQueryTime) || type == typeof(DateTimeOffset) || type == typeof(DateTime) =>
                "An ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z.",
            _ when type == typeof(DateOnly) => "A date as yyyy-MM-dd.",
            _ => "Not a value this parameter takes.",
        };
    }
}
