using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Templates.Tests;

/// <summary>The converter reads JsonElements directly for speed; what comes out (types, digits as written,
/// key order) and which data the limits reject must stay what the first version produced.</summary>
public class JsonDataConverterTests
{
    public static TheoryData<string> Documents() =>
    [
        """{"s":"Zoé \u00e9 \"q\" \\ \n","n":1,"neg":-42,"big":9223372036854775807,"bigger":9223372036854775808}""",
        """{"d":19.90,"e":1e3,"tiny":1.5e-30,"huge":1e300,"z":0,"nz":-0.0,"exp":2.50E+2}""",
        """{"t":true,"f":false,"nil":null,"empty":{},"list":[],"nested":[[1,[2,{"x":[{}]}]],"s"]}""",
        """{"order":{"items":[{"name":"Item <1> & more","price":10.99,"quantity":2}],"currency":"EUR"}}""",
        """{"ключ":"значение","emoji😀":"😀","esc\u0041ped":"\ud83d\ude00"}""",
        """[1,"a",null,{"b":2}]""",
        "\"just a string\"",
        "3.14159265358979323846264338327950288",
        "null",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Parsed_data_converts_as_before(string json) =>
        AssertSame(ReferenceJsonDataConverter.ToPlain(JsonNode.Parse(json)), JsonDataConverter.ToPlain(JsonNode.Parse(json)), "$");

    [Fact]
    public void Data_built_in_code_converts_as_before()
    {
        // JsonValues that wrap CLR values (not JsonElements) take the general path.
        JsonNode Build() => new JsonObject
        {
            ["m"] = 19.90m, ["i"] = 7, ["l"] = long.MinValue, ["dbl"] = 0.1, ["s"] = "x", ["b"] = true,
            ["element"] = JsonValue.Create(JsonDocument.Parse("\"Zo\\u00e9\"").RootElement),
            ["list"] = new JsonArray(1, "two", null, JsonValue.Create(JsonDocument.Parse("2.50").RootElement)),
        };
        AssertSame(ReferenceJsonDataConverter.ToPlain(Build()), JsonDataConverter.ToPlain(Build()), "$");
    }

    /// <summary>The size limit counts strings, keys, numbers and punctuation; the largest padding that still
    /// passes must be the same for both, to the byte.</summary>
    [Theory]
    [MemberData(nameof(Documents))]
    public void Size_limit_cuts_at_the_same_byte(string json)
    {
        Assert.Equal(LargestPassingPad(json, ReferenceJsonDataConverter.ToPlain), LargestPassingPad(json, JsonDataConverter.ToPlain));
    }

    [Fact]
    public void Depth_limit_is_unchanged()
    {
        static JsonNode Nest(int levels) => levels == 1 ? new JsonArray() : new JsonArray(Nest(levels - 1));
        Assert.Null(Record.Exception(() => JsonDataConverter.ToPlain(Nest(TemplateDataLimits.MaxDepth))));
        Assert.Throws<TemplateDataTooLargeException>(() => JsonDataConverter.ToPlain(Nest(TemplateDataLimits.MaxDepth + 1)));
    }

    private static int LargestPassingPad(string json, Func<JsonNode?, object?> convert)
    {
        bool Passes(int pad)
        {
            var node = JsonNode.Parse($$"""{"doc":{{json}},"pad":"{{new string('é', pad)}}"}""");
            try { convert(node); return true; }
            catch (TemplateDataTooLargeException) { return false; }
        }
        int low = 0, high = TemplateDataLimits.MaxDataBytes; // Passes(low), !Passes(high): 'é' is two bytes
        Assert.True(Passes(low));
        Assert.False(Passes(high));
        while (high - low > 1)
        {
            var middle = (low + high) / 2;
            if (Passes(middle)) low = middle; else high = middle;
        }
        return low;
    }

    private static void AssertSame(object? expected, object? actual, string path)
    {
        switch (expected)
        {
            case null: Assert.True(actual is null, $"{path}: expected null, got {actual}"); break;
            case JsonObjectData obj:
                var other = Assert.IsType<JsonObjectData>(actual);
                Assert.Equal(obj.Keys, other.Keys); // same order, since #each walks keys in order
                foreach (var (key, value) in obj) AssertSame(value, other[key], $"{path}.{key}");
                break;
            case object?[] items:
                var otherItems = Assert.IsType<object?[]>(actual);
                Assert.Equal(items.Length, otherItems.Length);
                for (var i = 0; i < items.Length; i++) AssertSame(items[i], otherItems[i], $"{path}[{i}]");
                break;
            default:
                Assert.True(expected.GetType() == actual?.GetType(), $"{path}: {expected.GetType()} vs {actual?.GetType()}");
                Assert.True(Text(expected) == Text(actual), $"{path}: {Text(expected)} vs {Text(actual)}");
                break;
        }
    }

    private static string? Text(object? value) => value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString();
}
