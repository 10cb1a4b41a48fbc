using NotificationService.Features.Administration.Privacy;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Privacy;

/// <summary>
/// The registry of columns that can hold a person (<see cref="PersonData"/>) against the live schema: a table added with a
/// user column or free json data fails here until it says how the erase reaches it (or why it holds no person), and every
/// item the registry names is in an erase's report.
/// </summary>
[Collection("service")]
public class PersonDataRegistryTests(ServiceFixture service)
{
    /// <summary>Every column of the migrated schema that the rule says can hold a person: by name, or json/jsonb.</summary>
    private async Task<List<string>> PersonColumnsAsync()
    {
        var columns = new List<string>();
        await using var cmd = service.Db.CreateCommand("""
            select c.table_name || '.' || c.column_name from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema = 'public' and (
                c.column_name in ('user_id', 'user_ids', 'user_key', 'actor', 'email', 'phone') or c.column_name like 'recipient%'
                or c.column_name like '%address%' or c.column_name like '%\_user\_id' or c.data_type in ('json', 'jsonb'))
            order by 1
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) columns.Add(r.GetString(0));
        return columns;
    }

    private static HashSet<string> Registered() =>
    [
        .. PersonData.ErasedColumns.Select(c => $"{c.Table}.{c.Column}"), .. PersonData.NoPersonColumns.Select(c => $"{c.Table}.{c.Column}"),
        .. PersonData.NotErasedYetColumns.Select(c => $"{c.Table}.{c.Column}"),
    ];

    [Fact]
    public async Task Every_column_of_the_schema_that_can_hold_a_person_is_registered_and_every_registered_column_exists()
    {
        var columns = await PersonColumnsAsync();
        Assert.True(columns.Count > 40, $"the rule found only {columns.Count} columns: it is blind");
        Assert.Contains("workflow_runs.data", columns);
        Assert.Contains("topic_events.data", columns);

        var registered = Registered();
        var missing = columns.Where(c => !registered.Contains(c)).ToList();
        Assert.True(missing.Count == 0, $"columns that can hold a person but are not in PersonData (say how the erase reaches each): {string.Join(", ", missing)}");
        var all = new HashSet<string>();
        await using (var cmd = service.Db.CreateCommand("select table_name || '.' || column_name from information_schema.columns where table_schema = 'public'"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) all.Add(r.GetString(0));
        var stale = registered.Where(c => !all.Contains(c)).ToList();
        Assert.True(stale.Count == 0, $"PersonData names columns the schema does not have: {string.Join(", ", stale)}");
        var twice = PersonData.ErasedColumns.Select(c => $"{c.Table}.{c.Column}").Concat(PersonData.NoPersonColumns.Select(c => $"{c.Table}.{c.Column}"))
            .Concat(PersonData.NotErasedYetColumns.Select(c => $"{c.Table}.{c.Column}")).GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"registered twice: {string.Join(", ", twice)}");
        Assert.All(PersonData.NoPersonColumns.Concat<object>(PersonData.NotErasedYetColumns), e => Assert.DoesNotContain("TODO", e.ToString()));
    }

    [Fact]
    public async Task An_erase_reports_an_item_for_every_kind_the_registry_names_including_workflow_runs_and_topic_events()
    {
        var tenant = await service.NewTenantAsync();
        var userId = "reported-" + Guid.NewGuid().ToString("N")[..8];
        await tenant.Http.IdentifyAsync(userId, new { name = "Reported" });

        var status = await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync(userId));

        var items = status["counts"]!.AsObject().Select(c => c.Key).ToHashSet();
        Assert.Superset(new HashSet<string>(["workflowRuns", "topicEvents", "inboxState"]), PersonData.ReportItems.ToHashSet());
        Assert.Superset(PersonData.ReportItems.ToHashSet(), items);
        Assert.Equal(1, status.Count("profile"));
    }
}
