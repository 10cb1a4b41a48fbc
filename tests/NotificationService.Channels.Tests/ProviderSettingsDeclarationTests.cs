using System.Globalization;
using System.Text.Json.Nodes;

namespace NotificationService.Channels.Tests;

/// <summary>
/// Every setting a provider kind declares is checked by its declaration: a number past its range, a word where a number or a
/// flag belongs and a value outside an enum's choices are refused naming `settings.&lt;key&gt;`; the edges of a range and numbers
/// written as strings pass. A key the kind does not declare is refused for every kind.
/// </summary>
public class ProviderSettingsDeclarationTests
{
    private static IReadOnlyDictionary<string, string[]> Errors(ProviderKindSpec spec, string name, JsonNode? value) =>
        ProviderSettingsValidator.Validate(spec.Kind, spec.Channels[0], new JsonObject { [name] = value }, null);

    public static TheoryData<string> Kinds() => [.. ProviderKinds.All];

    [Theory, MemberData(nameof(Kinds))]
    public void A_key_the_kind_does_not_declare_is_refused_naming_it(string kind)
    {
        var errors = Errors(ProviderKinds.Find(kind)!, "bogus", 1);
        Assert.Contains("is not a setting of " + kind, Assert.Single(errors["settings.bogus"]));
    }

    [Fact]
    public void Every_declared_number_refuses_a_word_and_a_value_past_either_end_and_takes_both_ends()
    {
        var checkedFields = 0;
        foreach (var spec in ProviderKinds.Specs)
            foreach (var field in spec.Settings.Where(f => f.Type is SettingType.Number or SettingType.Integer))
            {
                var key = "settings." + field.Name;
                Assert.True(Errors(spec, field.Name, "lots").ContainsKey(key), $"{spec.Kind}.{field.Name} took a word");
                Assert.True(Errors(spec, field.Name, field.Max!.Value + 1).ContainsKey(key), $"{spec.Kind}.{field.Name} took max + 1");
                Assert.True(Errors(spec, field.Name, field.Min!.Value - 1).ContainsKey(key), $"{spec.Kind}.{field.Name} took min - 1");
                Assert.False(Errors(spec, field.Name, field.Min.Value).ContainsKey(key), $"{spec.Kind}.{field.Name} refused its min");
                Assert.False(Errors(spec, field.Name, field.Max.Value.ToString(CultureInfo.InvariantCulture)).ContainsKey(key),
                    $"{spec.Kind}.{field.Name} refused its max written as a string");
                checkedFields++;
            }
        Assert.True(checkedFields >= ProviderKinds.Specs.Count * ProviderKinds.CommonSettings.Count);
    }

    [Fact]
    public void Flags_and_choices_take_only_their_values()
    {
        var sendGrid = ProviderKinds.Find(ProviderKinds.SendGrid)!;
        Assert.True(Errors(sendGrid, "sandboxMode", "maybe").ContainsKey("settings.sandboxMode"));
        Assert.False(Errors(sendGrid, "sandboxMode", true).ContainsKey("settings.sandboxMode"));
        Assert.False(Errors(sendGrid, "sandboxMode", "false").ContainsKey("settings.sandboxMode"));
        Assert.True(Errors(sendGrid, "region", "mars").ContainsKey("settings.region"));
        Assert.True(Errors(sendGrid, "fromName", new JsonObject()).ContainsKey("settings.fromName"));
        Assert.True(Errors(ProviderKinds.Find(ProviderKinds.Smtp)!, "port", 587.5).ContainsKey("settings.port"));
    }
}
