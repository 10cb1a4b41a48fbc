using System.Text;
using HandlebarsDotNet;

namespace NotificationService.Templates;

/// <summary>Writes values verbatim. Used by the environment that renders plain-text parts (SMS, push,
/// email text, subjects): escaping there would put "&amp;amp;" in front of a user, and a separate
/// environment is safer than un-escaping afterwards, which would also mangle literal entities.</summary>
internal sealed class PlainTextEncoder : ITextEncoder
{
    public void Encode(StringBuilder? text, TextWriter target)
    {
        if (text is not null) target.Write(text);
    }

    public void Encode(string? text, TextWriter target)
    {
        if (text is not null) target.Write(text);
    }

    public void Encode<T>(T? text, TextWriter target) where T : IEnumerator<char>
    {
        if (text is null) return;
        while (text.MoveNext()) target.Write(text.Current);
    }
}
