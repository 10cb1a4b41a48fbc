namespace NotificationService.Bench;

/// <summary>One line on stderr, rewritten in place while the harness works.</summary>
public static class Progress
{
    private static readonly object Gate = new();
    private static int _lastLength;

    public static void Show(string text)
    {
        lock (Gate)
        {
            var line = $"[{DateTime.Now:HH:mm:ss}] {text}";
            if (Console.IsErrorRedirected)
            {
                Console.Error.WriteLine(line);
                return;
            }
            Console.Error.Write("\r" + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
    }

    public static void Done()
    {
        lock (Gate)
        {
            if (!Console.IsErrorRedirected && _lastLength > 0) Console.Error.WriteLine();
            _lastLength = 0;
        }
    }
}
