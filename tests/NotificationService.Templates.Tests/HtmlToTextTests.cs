using System.Text;
using System.Text.Json.Nodes;

namespace NotificationService.Templates.Tests;

public class HtmlToTextTests
{
    [Theory]
    // entities: named, numeric, hex, astral, unknown, unterminated, and &nbsp; collapsing like a space
    [InlineData("Tom &amp; Jerry &lt;3 &quot;hi&quot; &copy; &middot;", "Tom & Jerry <3 \"hi\" © ·")]
    [InlineData("&#65;&#x42;&#X43; &#128512; &#x1F600;", "ABC 😀 😀")]
    [InlineData("&bogus; &amp &; &#xZZ; a&b", "&bogus; &amp &; &#xZZ; a&b")]
    [InlineData("a&nbsp;&nbsp; b", "a b")]
    [InlineData("&amp;lt;", "&lt;")] // decoded once, not twice
    [InlineData("&am<b></b>p;", "&")] // tags go first, then entities, as before
    // line structure
    [InlineData("one<br>two<BR/>three", "one\ntwo\nthree")]
    [InlineData("<p>one</p><p>two</p>", "one\n\ntwo")]
    [InlineData("<div>one</div><div>two</div>", "one\ntwo")]
    [InlineData("<h2>Title</h2>text<hr>end", "Title\n\ntext\n\nend")]
    [InlineData("<ul><li>one</li><li>two</li></ul>after", "- one\n- two\n\nafter")]
    [InlineData("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>", "a b\n1 2")]
    // links
    [InlineData("<a href=\"https://x.example/r?a=1&amp;b=2\">Reset</a>", "Reset (https://x.example/r?a=1&b=2)")]
    [InlineData("<a href='https://x.example'>https://x.example</a>", "https://x.example")]
    [InlineData("<a href=https://x.example/>x</a>", "x (https://x.example)")]
    [InlineData("<a href=\"mailto:ada@example.com\">Write</a>", "Write (ada@example.com)")]
    [InlineData("<a href=\"#top\">Top</a> <a href=\"javascript:alert(1)\">no</a>", "Top no")]
    [InlineData("<a href=\"https://x.example/&lt;\"></a>", "https://x.example/<")]
    [InlineData("<a href=\"https://o.example\">outer <a href=\"https://i.example\">in</a></a>", "outer in (https://i.example) (https://o.example)")]
    // invisible content and comments
    [InlineData("<head><title>T</title></head><style>p{}</style>a<SCRIPT>alert('<p>')</SCRIPT>b", "ab")]
    [InlineData("a<!-- <p>hidden</p> -->b<!-- never closed", "ab")]
    [InlineData("a<script>unterminated", "a")]
    // whitespace: runs collapse, nothing at the start or end, source newlines are spaces
    [InlineData("  \n hello \t\n  world \r\n ", "hello world")]
    [InlineData("<p> </p><br> x <br><br> y <p></p>", "x\ny")]
    // odd input: stray brackets, unterminated tags
    [InlineData("a < b and c > d", "a d")]
    [InlineData("x <b unterminated", "x <b unterminated")]
    [InlineData("", "")]
    public void Derives_plain_text(string html, string expected) =>
        Assert.Equal(expected, HtmlToText.Convert(html));

    [Theory]
    [InlineData("lt;")]
    [InlineData("gt;")]
    [InlineData("amp;")]
    [InlineData("quot;")]
    [InlineData("nbsp;")]
    [InlineData("#x27;")]
    [InlineData("#x60;")]
    [InlineData("#x3D;")]
    public void Common_entities_decode_as_WebUtility_decodes_them(string entity)
    {
        Assert.True(HtmlTextCollapser.TryCommonEntity(entity + "rest", out var decoded, out var consumed));
        Assert.Equal(entity.Length, consumed);
        Assert.Equal(System.Net.WebUtility.HtmlDecode("&" + entity), decoded.ToString());
    }

    /// <summary>The converter was rewritten for speed; its output must not change. Random documents built
    /// from the pieces that matter (tags it knows, entities good and broken, every kind of whitespace,
    /// stray brackets, comments, links) go through both it and the earlier implementation.</summary>
    [Fact]
    public void Matches_the_earlier_implementation_on_random_documents()
    {
        var random = new Random(20261121);
        for (var n = 0; n < 20_000; n++)
        {
            var html = RandomHtml(random, random.Next(1, 40));
            Assert.True(ReferenceHtmlToText.Convert(html) == HtmlToText.Convert(html), $"differs for: {Escape(html)}");
        }
    }

    [Fact]
    public void Matches_the_earlier_implementation_on_the_seed_templates()
    {
        var seed = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "seed", "templates");
        var sources = Directory.GetFiles(seed, "*.json")
            .SelectMany(file => Strings(JsonNode.Parse(File.ReadAllText(file))))
            .Where(text => text.Contains("</", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sources);
        foreach (var html in sources)
            Assert.True(ReferenceHtmlToText.Convert(html) == HtmlToText.Convert(html), $"differs for: {Escape(html)}");
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    private static readonly string[] Pieces =
    [
        "<p>", "</p>", "<P class=\"x\">", "<br>", "<br/>", "<BR />", "<div>", "</div>", "<li>", "</li>", "<ul>", "</ol>",
        "<td>", "</th>", "<tr>", "<h1>", "</H6>", "<h7>", "<hr>", "<table>", "<blockquote>", "<section>", "<footer>",
        "<b>", "</b>", "<span>", "<!doctype html>", "< p>", "</>", "<>", "<", ">", "<li-x>", "<lı>", "<ſcript>",
        "<script>", "</script>", "<SCRIPT type=x>", "</ScRiPt >", "<style>", "</style>", "<head>", "</head>", "<title>", "</title",
        "<!--", "-->", "<!-- c -->", "<a href=\"https://a.example/x?y=1&amp;z=2\">", "<a href='mailto:m@x.example'>",
        "<a href=#top>", "<a href=\"javascript:x()\">", "<a href = \"  https://b.example \" >", "<a>", "<a href=\"\">", "</a>",
        "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#39;", "&nbsp;", "&copy;", "&middot;", "&eacute;", "&Eacute;", "&AMP;",
        "&#65;", "&#x41;", "&#X1F600;", "&#128512;", "&#55296;", "&#xD800;", "&#1;", "&#2;", "&#x2028;", "&# 65;", "&#-1;",
        "&#1114112;", "&#;", "&;", "&", ";", "&bogus;", "&amp", "&#",
        "&#x27;", "&#x60;", "&#x3D;", "&#x3d;", "&#X27;", "&LT;", "&lt", "&ltx;", "&quot", "&nbsp", "lt;", "&#x2",
        " ", "  ", "\n", "\r\n", "\t", "\u00A0", "\u2003", "\u3000", "\u0085", "\u0001", "\u0002",
        "Hello", "world", "x", "https://a.example/x?y=1&z=2", "Zoé", "😀", "€12.50", "a-b", "é",
    ];

    private static string RandomHtml(Random random, int pieces)
    {
        var html = new StringBuilder();
        for (var i = 0; i < pieces; i++) html.Append(Pieces[random.Next(Pieces.Length)]);
        return html.ToString();
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
}
