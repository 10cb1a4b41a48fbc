namespace NotificationService.Templates.Tests;

/// <summary>Constructs HandlebarsJsSourceRewriter and MustacheSection make render as handlebars.js renders them,
/// beyond the spec corpus: each expected string is what handlebars.js 4.7 renders for the template and data.</summary>
public class HandlebarsJsSyntaxTests
{
    private readonly TemplateEngine engine = new();

    [Theory]
    [InlineData("{{#if a}}A{{else if b}}B{{else unless items}}C{{/if}}", """{"items":[]}""", "C")]
    [InlineData("{{#if a}}A{{else if b}}B{{else unless items}}C{{/if}}", """{"items":[1]}""", "")]
    [InlineData("{{#if a}}A{{else unless n}}zero{{/if}}", """{"n":0}""", "zero")]
    [InlineData("{{#if a}}A{{else unless o}}empty{{/if}}", """{"o":{}}""", "")]
    public void Else_unless_renders_where_unless_would(string template, string json, string expected) =>
        Assert.Equal(expected, engine.RenderHtml(template, json));

    [Theory]
    [InlineData("{{#user}}{{name}} ({{../company}}){{/user}}", """{"user":{"name":"Ada"},"company":"ACME"}""", "Ada (ACME)")]
    [InlineData("{{#items}}{{@index}}{{#if @first}}F{{/if}}{{.}}{{#if @last}}L{{/if}} {{/items}}", """{"items":["a","b"]}""", "0Fa 1bL ")]
    [InlineData("{{#n}}[{{.}}]{{/n}}{{^n}}none{{/n}}", """{"n":0}""", "[0]")]
    [InlineData("{{#s}}[{{.}}]{{/s}}", """{"s":"x"}""", "[x]")]
    [InlineData("{{#missing}}x{{else}}none{{/missing}}", """{}""", "none")]
    public void Sections_follow_the_value(string template, string json, string expected) =>
        Assert.Equal(expected, engine.RenderHtml(template, json));

    [Theory]
    [InlineData("a \n {{~!-- c }} --~}} \n b", "ab")]
    [InlineData("x {{~&v}} y", "x<i> y")]
    [InlineData("{{&\"a b\"}} {{{\"a b\"}}}", "1 1")]
    [InlineData("x {{{v}~}} y", "x <i>y")]
    [InlineData("{{~\"a b\"~}} {{[a b]}} {{12}}", "11 ")]
    public void Whitespace_control_and_literal_keys(string template, string expected) =>
        Assert.Equal(expected, engine.RenderHtml(template, """{"v":"<i>","a b":1}"""));

    [Theory]
    [InlineData("{{#if a}}x{{else with b}}{{c}}{{/if}}", "{\"b\":{\"c\":\"C\"}}", "C")]
    [InlineData("{{#if a}}x{{else each list}}{{this}},{{/if}}", "{\"list\":[1,2]}", "1,2,")]
    [InlineData("{{#each list}}{{this}}{{else with b}}{{c}}{{/each}}", "{\"list\":[],\"b\":{\"c\":\"C\"}}", "C")]
    [InlineData("{{#if a}}A{{else with b}}{{c}}{{else each l}}{{.}}{{else}}none{{/if}}", "{\"l\":[1,2]}", "12")]
    [InlineData("{{#if a}}A{{else with b}}{{c}}{{else each l}}{{.}}{{else}}none{{/if}}", "{}", "none")]
    [InlineData("{{#if a}}A{{else with b}}{{c}}{{else each l}}{{.}}{{else}}none{{/if}}", "{\"b\":{\"c\":\"C\"}}", "C")]
    [InlineData("<ul>\n{{#if a}}\n  A\n{{else with b}}\n  {{c}}\n{{else}}\n  none\n{{/if}}\n</ul>", "{\"b\":{\"c\":\"C\"}}", "<ul>\n  C\n</ul>")]
    [InlineData("<ul>\n{{#if a}}\n  A\n{{else with b}}\n  {{c}}\n{{else}}\n  none\n{{/if}}\n</ul>", "{}", "<ul>\n  none\n</ul>")]
    [InlineData("{{#if a~}} A {{~else with b~}} {{c}} {{~/if}} end", "{\"b\":{\"c\":\"C\"}}", "C end")]
    [InlineData("{{#if a}}A{{else people}}{{name}}{{/if}}", "{\"people\":[{\"name\":\"x\"},{\"name\":\"y\"}]}", "xy")]
    [InlineData("{{#if a}}A{{else with b as |bb|}}{{bb.c}}{{../t}}{{/if}}", "{\"b\":{\"c\":\"C\"},\"t\":\"T\"}", "CT")]
    [InlineData("{{#unless a}}U{{else each l}}{{@index}}{{/unless}}", "{\"a\":1,\"l\":[7,8]}", "01")]
    public void Else_chains_open_the_block_they_name(string template, string json, string expected) =>
        Assert.Equal(expected, engine.RenderHtml(template, json));

    [Fact]
    public void Rewriting_leaves_escaped_mustaches_and_plain_templates_alone()
    {
        const string source = "\\{{^}} {{name}} {{#each items}}{{this}}{{/each}}";
        Assert.Same(source, HandlebarsJsSourceRewriter.Rewrite(source));
    }
}
