namespace NotificationService.Tests.Architecture;

/// <summary>
/// One table, one owner. Every table belongs to one module (a feature folder, or the queue project for `jobs`): no code
/// outside it names the table. Inside a feature folder one class writes it (others there may read it). And every change
/// of a notification's status goes through the notification ledger.
/// </summary>
public class DataOwnershipTests
{
    private static readonly IReadOnlyList<string> Tables = SqlScan.Tables(SourceModel.Service.SrcRoot);
    private static readonly List<TableUse> Uses = SqlScan.Uses(SourceModel.Service, [.. Tables]);

    private static string ModuleOf(TableUse u) =>
        SourceModel.Service.FeatureOf(Path.Combine(SourceModel.Service.SrcRoot, u.File)) ?? u.File.Split(Path.DirectorySeparatorChar)[0];

    [Fact]
    public void Only_the_notification_ledger_writes_notifications_and_their_history()
    {
        var writers = Uses.Where(u => u.Writes && u.Table is "notifications" or "notification_events").ToList();
        Assert.NotEmpty(writers);   // the scan finds the ledger's own statements, so it is not blind
        var outside = writers.Where(u => u.Type != "NotificationLedger").Select(u => $"{u.File}:{u.Line} ({u.Type}) writes {u.Table}").ToList();
        Assert.True(outside.Count == 0, "status writes outside the ledger:\n" + string.Join("\n", outside));
    }

    [Fact]
    public void Every_table_is_named_by_one_module_only()
    {
        Assert.Contains("notifications", Tables);
        var shared = Uses.GroupBy(u => u.Table).Where(g => g.Select(ModuleOf).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: " + string.Join("; ", g.GroupBy(ModuleOf).Select(m => $"{m.Key} ({string.Join(", ", m.Select(u => $"{u.File}:{u.Line}").Distinct())})")))
            .ToList();
        Assert.True(shared.Count == 0, "tables named by more than one module:\n" + string.Join("\n", shared));
    }

    [Fact]
    public void Inside_a_feature_one_class_writes_each_table()
    {
        var several = Uses.Where(u => u.Writes && SourceModel.Service.FeatureOf(Path.Combine(SourceModel.Service.SrcRoot, u.File)) is not null)
            .GroupBy(u => u.Table).Where(g => g.Select(u => u.Type).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: written by " + string.Join(", ", g.GroupBy(u => u.Type).Select(t => $"{t.Key} ({string.Join(", ", t.Select(u => $"{u.File}:{u.Line}").Distinct())})")))
            .ToList();
        Assert.True(several.Count == 0, "tables with more than one writer:\n" + string.Join("\n", several));
    }
}
