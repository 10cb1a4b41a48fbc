using Npgsql;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// Which tables hold a tenant's rows, found in the catalog rather than listed: every table with a `tenant_id` column
/// (so a table added later is deleted without touching the deletion), ordered so that a table is emptied before the
/// tables it references. A table without `tenant_id` must be accounted for, or the spec on <see cref="UnaccountedAsync"/>
/// fails: deleted with its parent by a cascading foreign key, deleted with its parent's batch (<see cref="Dependents"/>,
/// where no foreign key exists), or not a tenant's data at all (<see cref="NotTenantData"/>).
/// </summary>
public static class TenantTables
{
    /// <summary>A table without `tenant_id` whose rows belong to a row of <paramref name="Parent"/>, matched on a column, with no
    /// cascading key.</summary>
    public sealed record Dependent(string Table, string Column, string Parent, string ParentColumn, string Why);

    public static readonly Dependent[] Dependents =
    [
        new("notification_events", "notification_id", "notifications", "id",
            "a notification's history; its foreign key was dropped to speed up accepts"),
        new("provider_callback_events", "provider_id", "providers", "id",
            "the callback ids a provider config has seen (duplicates are dropped)"),
    ];

    public static readonly IReadOnlyDictionary<string, string> NotTenantData = new Dictionary<string, string>
    {
        ["tenants"] = "the tenant itself: its row is deleted last, by its owner",
        ["console_keyring"] = "the console's data-protection keys: the service's own",
        ["platform_keys"] = "the operator's keys",
        ["tenant_deletions"] = "the deletion's own record, which keeps no tenant id once it completes",
        ["schema_migrations"] = "which migrations ran",
    };

    private const string ColumnsSql = """
        select c.relname, a.attname from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where c.relkind in ('r', 'p') and a.attname = 'tenant_id'
        """;

    private const string TablesSql = """
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
        where c.relkind in ('r', 'p') and not c.relispartition
        """;

    /// <summary>Child table, parent table, and whether deleting a parent row deletes the child's (`on delete cascade`).</summary>
    private const string ForeignKeysSql = """
        select ch.relname, pa.relname, con.confdeltype = 'c' from pg_constraint con
        join pg_class ch on ch.oid = con.conrelid join pg_class pa on pa.oid = con.confrelid
        join pg_namespace n on n.oid = ch.relnamespace and n.nspname = current_schema()
        where con.contype = 'f' and ch.oid <> pa.oid
        """;

    /// <summary>Every table with a `tenant_id` column but `tenants`, each before the tables it references.</summary>
    public static async Task<List<string>> DiscoverAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var tables = (await RowsAsync(db, ColumnsSql, ct)).Select(r => r[0]).Where(t => t != "tenants").ToHashSet();
        var references = (await RowsAsync(db, ForeignKeysSql, ct)).Where(r => tables.Contains(r[0]) && tables.Contains(r[1])).ToList();
        var ordered = new List<string>();
        var left = new SortedSet<string>(tables, StringComparer.Ordinal);
        while (left.Count > 0)
        {
            // Ready: no table still to be emptied references it. A cycle (none today) is broken by name.
            var ready = left.Where(t => !references.Any(r => r[1] == t && left.Contains(r[0]) && r[0] != t)).ToList();
            if (ready.Count == 0) ready = [left.Min!];
            foreach (var t in ready) { ordered.Add(t); left.Remove(t); }
        }
        return ordered;
    }

    /// <summary>Tables without `tenant_id` that nothing above accounts for: each could keep a deleted tenant's data.</summary>
    public static async Task<List<string>> UnaccountedAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var tenantTables = (await RowsAsync(db, ColumnsSql, ct)).Select(r => r[0]).ToHashSet();
        var cascades = (await RowsAsync(db, ForeignKeysSql, ct)).Where(r => r[2] == "True").ToList();
        var accounted = new HashSet<string>(tenantTables.Concat(NotTenantData.Keys).Concat(Dependents.Select(d => d.Table)));
        // Deleted with a parent that is deleted: follow cascading keys from the accounted tables outwards.
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var r in cascades)
                if (accounted.Contains(r[1]) && (r[1] == "tenants" || !NotTenantData.ContainsKey(r[1])) && accounted.Add(r[0])) grew = true;
        }
        return (await RowsAsync(db, TablesSql, ct)).Select(r => r[0]).Where(t => !accounted.Contains(t))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string[]>> RowsAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<string[]>();
        while (await r.ReadAsync(ct))
            rows.Add([.. Enumerable.Range(0, r.FieldCount)
                .Select(i => Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!)]);
        return rows;
    }
}
