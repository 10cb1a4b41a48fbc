namespace NotificationService.Templates.Tests;

/// <summary>The eight-at-a-time tag classifier must find the same name and kind as the character-by-character one.</summary>
public class TagNamesTests
{
    private static readonly string[] Names =
    [
        "a", "p", "li", "td", "th", "br", "tr", "ul", "ol", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "head",
        "style", "title", "table", "script", "header", "footer", "section", "article", "blockquote",
        "", "b", "h", "h0", "h7", "hh", "i", "ab", "pa", "lii", "span", "body", "heads", "scripts", "sectio", "articles",
        "blockquot", "li-x", "h-1", "x1", "1", "-", "lı", "ſcript", "ſtyle", "\u212Aa", "dİv", "ａ", "tdé", "abcdefgh", "abcdefg",
    ];

    private static readonly string[] Rests = ["", " class=\"x\"", "/", " /", "\u00e9", "=x", "@", "[", "`", "{"];

    [Fact]
    public void Finds_the_same_name_and_kind_as_the_character_by_character_way()
    {
        foreach (var name in Names)
        foreach (var variant in new[] { name, name.ToUpperInvariant(), string.Concat(name.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c)) })
        foreach (var rest in Rests)
        foreach (var closing in new[] { "", "/" })
        foreach (var after in new[] { "", "x", "0123456789abcdef" }) // what follows decides whether eight characters can be read at once
        {
            var html = "<" + closing + variant + rest + ">" + after;
            var nameStart = 1 + closing.Length;
            var tagEnd = html.IndexOf('>');
            var kind = TagNames.Classify(html, nameStart, tagEnd, out var length);
            var expected = TagNames.CharByChar.Name(html.AsSpan(nameStart, tagEnd - nameStart));
            Assert.True(expected.Length == length, $"length of {html}");
            Assert.True(TagNames.CharByChar.Kind(expected) == kind, $"kind of {html}");
        }
    }

    [Fact]
    public void An_empty_closing_tag_has_an_empty_name()
    {
        Assert.Equal(TagKind.Other, TagNames.Classify("</>abcdefgh", 2, 2, out var length));
        Assert.Equal(0, length);
    }
}
