namespace NotificationService.Templates.Tests;

/// <summary>JsonObjectData replaced a Dictionary subclass; Handlebars.Net, the json helper and the engine read
/// it through IDictionary, so it must answer every call as a Dictionary would, below and above the size
/// where it starts keeping a key index.</summary>
public class JsonObjectDataTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(40)]
    public void Behaves_like_a_dictionary(int members)
    {
        var random = new Random(members);
        var expected = new Dictionary<string, object?>(StringComparer.Ordinal);
        var actual = new JsonObjectData(members);
        for (var i = 0; i < members; i++)
        {
            var key = "k" + random.Next(members * 2);
            expected[key] = i; // repeated keys replace the value in place, keeping their position
            actual[key] = i;
        }
        actual.Add("added", null);
        expected.Add("added", null);

        Assert.Equal(expected, actual); // same pairs in the same order
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < members * 2; i++)
        {
            var key = "k" + i;
            Assert.Equal(expected.TryGetValue(key, out var value), actual.TryGetValue(key, out var other));
            Assert.Equal(value, other);
            Assert.Equal(expected.ContainsKey(key), actual.ContainsKey(key));
        }
        Assert.Throws<ArgumentException>(() => actual.Add("added", 1));
        Assert.Throws<KeyNotFoundException>(() => actual["missing"]);
    }

    [Fact]
    public void Remove_keeps_the_order_of_the_rest()
    {
        var data = new JsonObjectData(12);
        for (var i = 0; i < 12; i++) data["k" + i] = i;
        Assert.True(data.Remove("k3"));
        Assert.False(data.Remove("k3"));
        Assert.Equal(Enumerable.Range(0, 12).Where(i => i != 3).Select(i => "k" + i), data.Keys);
        Assert.Equal(11, data["k11"]);
    }

    private const string ManyMembers =
        """{"o":{"k1":1,"k2":"two","k3":2.50,"k4":true,"k5":null,"k6":[1,{"x":"y"}],"k7":{},"k8":{"a":1},"k9":"nine","k10":-1}}""";

    [Fact]
    public void The_json_helper_prints_members_in_order() =>
        Assert.Equal(ManyMembers[5..^1], new TemplateEngine().RenderText("{{json o}}", ManyMembers));

    [Fact]
    public void Missing_variables_are_found_past_the_key_index_limit()
    {
        var definition = TemplateTestData.Text("{{o.k9}}{{o.k11}}{{o.k8.a}}{{o.k8.b}}");
        Assert.Equal(["o.k11", "o.k8.b"], new TemplateEngine().Render(definition, TemplateTestData.Json(ManyMembers)).MissingVariables);
    }

    [Fact]
    public void Prints_like_a_javascript_object() => Assert.Equal("[object Object]", new JsonObjectData(0).ToString());
}
