using System.Text;
using Npgsql;

namespace NotificationService.Tests.Shared;

/// <summary>
/// The sweep that looks for a value in every column of every table: each text, varchar, json, jsonb and text[] column
/// (information_schema.columns, so a table added later is searched too), case-insensitively, and each bytea column for
/// the value's UTF-8 bytes as written and lower-cased (uploaded CSV files are bytea; TOAST's lz4 is undone by PostgreSQL
/// when the value is read, so the search sees the CSV text). Hangfire's schema is searched too (its tables named
/// `hangfire.…`): its jobs' arguments and states must hold no one's data. The erase specs and the bench's tenant deletion share it.
/// </summary>
public static class DatabaseSweep
{
    public sealed record Column(string Table, string Name, string Type);

    public static async Task<List<Column>> ColumnsAsync(NpgsqlDataSource db)
    {
        var columns = new List<Column>();
        await using var cmd = db.CreateCommand("""
            select case c.table_schema when 'public' then c.table_name else c.table_schema || '.' || c.table_name end,
                   c.column_name, c.data_type from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema in ('public', 'hangfire') and (c.data_type in ('text', 'character varying', 'json', 'jsonb', 'bytea') or c.udt_name in ('_text', '_varchar'))
            order by 1, 2
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) columns.Add(new Column(r.GetString(0), r.GetString(1), r.GetString(2)));
        return columns;
    }

    /// <summary>Every `table.column` of <paramref name="columns"/> that holds <paramref name="value"/> somewhere.</summary>
    public static async Task<List<string>> WhereStoredAsync(NpgsqlDataSource db, IReadOnlyList<Column> columns, string value)
    {
        var found = new List<string>();
        foreach (var (name, column, type) in columns)
        {
            var table = name.Replace(".", "\".\"");   // hangfire.job → "hangfire"."job"
            var sql = type == "bytea"
                ? $"select count(*) from \"{table}\" where position($1::bytea in \"{column}\") > 0 or position($2::bytea in \"{column}\") > 0"
                : $"select count(*) from \"{table}\" where strpos(lower(\"{column}\"::text), $1) > 0";
            await using var cmd = db.CreateCommand(sql);
            cmd.CommandTimeout = 600;
            if (type == "bytea")
            {
                cmd.Parameters.AddWithValue(Encoding.UTF8.GetBytes(value));
                cmd.Parameters.AddWithValue(Encoding.UTF8.GetBytes(value.ToLowerInvariant()));
            }
            else cmd.Parameters.AddWithValue(value.ToLowerInvariant());
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) found.Add($"{table}.{column}");
        }
        return found;
    }
}
