using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Administration.Platform;
using NotificationService.Postgres;
using NotificationService.Tests.Features.Administration.Privacy;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>
/// Deleting a tenant leaves nothing of it: no row carries its id, and a sweep of every text, json and bytea column of
/// every table finds none of its identifiers, addresses or content, while another tenant keeps everything. The tables are
/// found in the catalog, so the second spec holds every table that has no `tenant_id` to account for itself.
/// </summary>
[Collection("platform")]
public class TenantDeletionTests(PlatformFixture service)
{
    [Fact]
    public async Task A_deleted_tenant_leaves_no_row_with_its_id_and_none_of_its_identifiers_addresses_or_content_anywhere()
    {
        var mark = Guid.NewGuid().ToString("N")[..10];   // in every value of this tenant, so the sweep cannot confuse it with another's
        var slug = $"gone-{mark}";
        var created = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants", new { name = $"Gone {mark}", slug })).JsonAsync();
        var tenantId = Guid.Parse(created["id"]!.GetValue<string>());
        var tenant = new TestTenant(tenantId, created["apiKey"]!.GetValue<string>(), service.Client(created["apiKey"]!.GetValue<string>()));
        foreach (var channel in new[] { "email", "sms" }) await service.AddProviderAsync(tenantId, channel, "sandbox", "{}");
        var keeper = await service.NewTenantAsync();
        var kept = await keeper.Http.SendOkAsync(Api.Email("keeper@example.com"));

        // What a tenant accumulates: profiles, sends by address and by userId with their history and rendered copies, an
        // inbox, a topic with members, a workflow run, a CSV job with its file, idempotent answers, audit rows, usage.
        var user = $"user-{mark}";
        var (email, phone) = ($"{mark}@gone.example", "+1415555" + Random.Shared.Next(1000, 9999));
        await tenant.Http.IdentifyAsync(user, new { email, phone, name = $"Name {mark}" });
        var byAddress = await tenant.Http.SendOkAsync(Api.Email($"direct-{mark}@gone.example", subject: $"Subject {mark}", body: $"Body {mark}"));
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.Http.PostJsonAsync(Api.Send, new { channel = "email", recipient = new { userId = user },
            content = new { subject = $"To user {mark}", body = "Hi" } }, idempotencyKey: $"idem-{mark}")).StatusCode);
        await service.SendInAppAsync(tenant, user, title: $"Inbox {mark}");
        await tenant.Http.TopicWithAsync($"topic-{mark}", user, $"member-{mark}");
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "email", locale = "en", parts = new { subject = $"Flow {mark}", text = "{{msg}}" } });
        await tenant.Http.PublishWorkflowAsync($$"""{"key":"flow","name":"Flow","steps":[{"id":"d","type":"delay","for":"PT2H"},{"id":"a","type":"send","channel":"email","template":"note"}]}""");
        var run = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { user }, data = new { msg = $"Run {mark}" } })).Single();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenantId);
        var bulk = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8($"email,first_name,order_id\ncsv-{mark}@gone.example,Csv{mark},O-{mark}\n"));
        await BulkCsv.WaitFinishedAsync(tenant.Http, Guid.Parse((await bulk.JsonAsync())["jobId"]!.GetValue<string>()));
        await tenant.Http.WaitForStatusAsync(byAddress, "sent");
        await Eventually.Async(async () => await service.ScalarAsync<long>("select count(*) from usage_daily where tenant_id = $1", tenantId) > 0, "usage to be counted");
        await tenant.Http.WaitForRunAsync(run, "running");

        string[] values = [mark, tenantId.ToString(), user, email, phone, $"direct-{mark}@gone.example", $"csv-{mark}@gone.example"];
        // The sweep sees them now, so finding nothing afterwards means something.
        Assert.NotEmpty(await PrivacyApi.WhereStoredAsync(service.Db, email));
        Assert.NotEmpty(await PrivacyApi.WhereStoredAsync(service.Db, $"Body {mark}"));
        Assert.True(await RowsWithTenantIdAsync(tenantId) > 20);

        var deleted = await service.Platform().DeleteAsync($"/api/v1/platform/tenants/{tenantId}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        var statusUrl = (await deleted.JsonAsync())["statusUrl"]!.GetValue<string>();
        Assert.Equal(statusUrl, deleted.Headers.Location!.OriginalString);
        var done = await Eventually.Async(async () => JsonNode.Parse(await service.Platform().GetStringAsync(statusUrl))!,
            s => s["status"]!.GetValue<string>() == "completed", "the deletion to complete", TimeSpan.FromSeconds(120));
        Assert.True(done["rowsDeleted"]!.GetValue<long>() > 20);
        Assert.Equal(done["tablesTotal"]!.GetValue<int>(), done["tablesDone"]!.GetValue<int>());
        Assert.Null(done["tenantId"]);

        Assert.Equal(0L, await RowsWithTenantIdAsync(tenantId));
        foreach (var value in values)
        {
            var where = await PrivacyApi.WhereStoredAsync(service.Db, value);
            Assert.True(where.Count == 0, $"'{value}' is still in: {string.Join(", ", where)}");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Http.GetAsync("/api/v1/admin/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Platform().GetAsync($"/api/v1/platform/tenants/{tenantId}")).StatusCode);
        Assert.Equal("sent", (await keeper.Http.WaitForStatusAsync(kept, "sent"))["status"]!.GetValue<string>());   // the other tenant keeps its own
    }

    /// <summary>Rows of every table whose uuid columns hold the tenant's id (tenant_id or any other: a row naming the tenant).</summary>
    private async Task<long> RowsWithTenantIdAsync(Guid tenantId)
    {
        var columns = new List<(string Table, string Column)>();
        await using (var cmd = service.Db.CreateCommand("""
            select c.table_name, c.column_name from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema = 'public' and c.data_type = 'uuid'
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) columns.Add((r.GetString(0), r.GetString(1)));
        Assert.Contains(columns, c => c is { Table: "notifications", Column: "tenant_id" });
        long rows = 0;
        foreach (var (table, column) in columns)
            rows += (await service.ScalarAsync<long>($"select count(*) from \"{table}\" where \"{column}\" = $1", tenantId));
        return rows;
    }

    [Fact]
    public async Task Every_table_without_tenant_id_is_deleted_with_a_parent_or_declared_not_a_tenants_and_a_new_one_that_is_neither_is_named()
    {
        Assert.Empty(await TenantTables.UnaccountedAsync(service.Db, default));

        // A schema of its own: a table that copies a tenant's row without a cascading key (or with none at all) is named;
        // one that cascades from a tenant's table is accounted for; and tables are emptied children first.
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("delcat"));
        await using (var cmd = db.CreateCommand("""
            create table tenants (id uuid primary key);
            create table notes (id uuid primary key, tenant_id uuid not null references tenants (id) on delete cascade);
            create table note_tags (tenant_id uuid not null, note_id uuid not null references notes (id), primary key (tenant_id, note_id));
            create table note_history (note_id uuid not null references notes (id) on delete cascade, detail text);
            create table note_copies (note_id uuid not null references notes (id), body text);
            create table loose_notes (body text);
            """))
            await cmd.ExecuteNonQueryAsync();
        Assert.Equal(new[] { "loose_notes", "note_copies" }, await TenantTables.UnaccountedAsync(db, default));
        Assert.Equal(new[] { "note_tags", "notes" }, await TenantTables.DiscoverAsync(db, default));
    }
}
