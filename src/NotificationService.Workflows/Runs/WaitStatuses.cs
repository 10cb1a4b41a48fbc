namespace NotificationService.Workflows.Runs;

/// <summary>
/// Which wait statuses a notification has reached, from the statuses it went through. Progress counts forward: a
/// notification that was read was also delivered, a click is also an open and a read (email reports opens where other
/// channels report reads), and an inbox read is also seen. Terminal outcomes count only as themselves.
/// </summary>
public static class WaitStatuses
{
    public static string[] Reached(IEnumerable<string> statuses)
    {
        var s = statuses.ToHashSet(StringComparer.Ordinal);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        if (s.Contains("clicked")) reached.UnionWith(["clicked", "opened", "read"]);
        if (s.Contains("opened")) reached.UnionWith(["opened", "read"]);
        if (s.Contains("read")) reached.UnionWith(["read", "seen"]);
        if (s.Contains("seen")) reached.Add("seen");
        if (reached.Count > 0 || s.Contains("delivered")) reached.Add("delivered");
        foreach (var terminal in new[] { "failed", "skipped", "suppressed", "expired" })
            if (s.Contains(terminal)) reached.Add(terminal);
        return [.. reached.Order(StringComparer.Ordinal)];
    }
}
