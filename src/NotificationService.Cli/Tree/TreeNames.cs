using System.Text;

namespace NotificationService.Cli.Tree;

/// <summary>
/// An object's name as one file-name segment, and back. Names are free text in the service (a provider may be called
/// "FCM primary / EU"), so each character a file system reads as a separator or a drive, or forbids in a name
/// (`/ \ : * ? " &lt; &gt; |` and control characters), is written `%XX` (its code in hex), and so is `%` itself, so that
/// every file name reads back as exactly one name; `.` and `..` become `%2E` and `%2E%2E`. Any other name is its own
/// file name, so the usual keys (`welcome`, `order-shipped`) look as they do in the console.
/// </summary>
internal static class TreeNames
{
    private const string Reserved = "%/\\:*?\"<>|";

    public static string ToFileName(string name)
    {
        if (name.Length == 0) throw new InvalidDataException("An object with an empty name cannot be a file of the tree.");
        if (name is "." or "..") return name.Replace(".", "%2E", StringComparison.Ordinal);
        var file = new StringBuilder(name.Length);
        foreach (var c in name)
            if (c < ' ' || c == '\x7F' || Reserved.Contains(c)) file.Append('%').Append(((int)c).ToString("X2"));
            else file.Append(c);
        return file.ToString();
    }

    /// <summary>The name a file name stands for (a `%` not followed by two hex digits is itself).</summary>
    public static string FromFileName(string file) => file.Contains('%') ? Uri.UnescapeDataString(file) : file;
}
