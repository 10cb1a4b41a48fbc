using System.Text.Json.Nodes;
using HandlebarsDotNet;

namespace NotificationService.Templates.Tests;

/// <summary>The compile-time shortcut for <c>{{name}}</c> must render exactly what Handlebars.Net's own
/// late-bound helper-or-path call renders. The reference is the same environment without the rewrite.</summary>
public class LateBoundPathRewriterTests
{
    private const string Data = """
        {"name":"Ada <3","Name":"upper-case key","NAME":"shouting","upper":"data, not the helper","lookup":"data lookup",
         "zero":0,"no":false,"nil":null,"empty":{},"list":[1,2],"nested":{"name":"inner","deeper":{"name":"deepest"}},
         "items":[{"name":"a","qty":1},{"qty":2},{"name":null,"qty":0}],"labels":{"a":"Label A"},"key":"a","body":"<b>x</b>"}
        """;

    public static TheoryData<string> Templates() =>
    [
        "{{name}}|{{{name}}}|{{~name~}}|{{ name }}",
        "{{Name}} {{name}} {{NAME}} {{nAmE}}", // Handlebars.Net's helper table ignores case; paths must not
        "{{upper}}|{{upper name}}|{{lookup labels key}}|{{Upper}}|{{LOOKUP labels key}}", // data keys named like helpers
        "{{lookup}}", // a helper called without its arguments fails the same way
        "{{missing}}[{{nil}}][{{zero}}][{{no}}][{{empty}}][{{list}}]",
        "{{#each items}}{{@index}}:{{name}}/{{qty}}/{{../name}}/{{this.name}}/{{missing}};{{/each}}",
        "{{#each list}}{{this}}{{.}}{{../zero}}{{/each}}",
        "{{#with nested}}{{name}} {{../name}} {{#with deeper}}{{name}} {{../name}} {{../../name}}{{/with}}{{/with}}",
        "{{#if name}}y{{/if}}{{#if missing}}n{{else}}e{{/if}}{{#unless zero}}z{{/unless}}{{#if empty}}o{{/if}}",
        "{{#each items}}{{#if name}}{{name}}{{else}}none{{/if}},{{/each}}",
        "{{default missing name}}|{{default name \"x\"}}|{{eq key \"a\"}}|{{#if (eq key \"a\")}}A{{/if}}",
        "{{lookup labels key}}|{{#with (lookup items 0)}}{{name}}{{/with}}|{{items.0.name}}|{{items.length}}",
        "{{> card name=name other=missing}}|{{> card nested}}",
        "{{#each items as |item i|}}{{i}}{{item.name}}{{name}}{{/each}}",
        "{{@root.name}}{{#each items}}{{@root.name}}{{@first}}{{@last}}{{/each}}",
        "{{#each labels}}{{@key}}={{this}}{{/each}}{{#each empty}}x{{else}}none{{/each}}",
        "{{{body}}}{{body}}",
    ];

    [Theory]
    [MemberData(nameof(Templates))]
    public void Html_output_is_the_libraries_own(string template) => AssertSameOutput(template, html: true);

    [Theory]
    [MemberData(nameof(Templates))]
    public void Text_output_is_the_libraries_own(string template) => AssertSameOutput(template, html: false);

    [Theory]
    [InlineData("{{name}}", 1)]
    [InlineData("{{#each items}}{{name}}{{qty}}{{/each}}", 2)]
    [InlineData("{{#if name}}x{{/if}}", 1)] // a block helper's argument goes through the same late-bound call
    [InlineData("{{name.first}}{{this}}{{../x}}{{@index}}{{upper name}}", 0)] // already plain paths, or helpers
    public void The_rewrite_still_applies_to_this_handlebars_version(string template, int expected)
    {
        var environment = HandlebarsEnvironmentFactory.Create(html: true);
        environment.Compile(template);
        var rewriter = environment.Configuration.CompileTimeConfiguration.ExpressionMiddleware.OfType<LateBoundPathRewriter>().Single();
        Assert.Equal(expected, rewriter.Rewritten);
    }

    private static void AssertSameOutput(string template, bool html)
    {
        var data = JsonDataConverter.ToPlain(JsonNode.Parse(Data));
        Assert.Equal(Render(template, data, html, resolvePathsFirst: false), Render(template, data, html, resolvePathsFirst: true));
    }

    /// <summary>The output, or the exception it fails with: both must be the same.</summary>
    private static string Render(string template, object? data, bool html, bool resolvePathsFirst)
    {
        var environment = HandlebarsEnvironmentFactory.Create(html, resolvePathsFirst);
        environment.RegisterTemplate("card", "[{{name}}/{{other}}/{{deeper.name}}]");
        try
        {
            return environment.Compile(template)(data);
        }
        catch (HandlebarsException e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
