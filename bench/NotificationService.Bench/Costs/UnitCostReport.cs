using System.Globalization;
using System.Text;

namespace NotificationService.Bench.Costs;

/// <summary>The report's "cost per unit" table: one line per measured window, and its rows written per table below it.</summary>
public static class UnitCostReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void AppendTable(StringBuilder sb, IReadOnlyList<UnitCost> costs)
    {
        if (costs.Count == 0) return;
        sb.AppendLine("## Cost per unit of work");
        sb.AppendLine();
        sb.AppendLine("Over each phase's measured window: CPU of the service processes, of PostgreSQL (postmaster and children) and of the bench " +
                      "(load and fakes) per unit, statements the service ran (pg_stat_statements) and rows it wrote (pg_stat_user_tables: " +
                      "inserted + updated + deleted, and the updates that were not HOT, i.e. wrote every index of their table again).");
        sb.AppendLine();
        sb.AppendLine("| phase | unit | units | service CPU (µs) | PostgreSQL CPU (µs) | bench CPU (µs) | statements | rows written | non-HOT updates |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in costs)
            sb.AppendLine(string.Create(Inv, $"| {c.Phase} | {c.Unit} | {c.Units:N0} | {c.ServiceMicros:N1} | {c.PostgresMicros:N1} | {c.BenchMicros:N1} | {F(c.StatementsPer)} | {c.RowsWritten:0.00} | {c.NonHotUpdates:0.00} |"));
        sb.AppendLine();
        foreach (var c in costs)
            sb.AppendLine($"- {c.Phase}, rows per {c.Unit} ({c.Units:N0} in {c.Window.TotalSeconds.ToString("0.0", Inv)} s): {c.TablesPerUnit(Inv)}; WAL per {c.Unit} (the cluster's): {c.WalPerUnit(Inv)}.");
        sb.AppendLine();
        sb.AppendLine("Statements that spent the most execution time per unit (pg_stat_statements: calls and execution time, planning not included):");
        sb.AppendLine();
        foreach (var c in costs)
            sb.AppendLine($"- {c.Phase}: {c.StatementsPerUnit(Inv)}.");
        sb.AppendLine();
    }

    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.00", Inv);
}
