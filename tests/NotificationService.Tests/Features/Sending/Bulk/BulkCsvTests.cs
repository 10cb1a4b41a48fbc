using System.Net;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Bulk;

[Collection("service")]
public class BulkCsvTests(ServiceFixture service)
{
    [Fact]
    public async Task A_spreadsheet_export_is_streamed_validated_deduplicated_and_sent_with_a_rejected_row_report()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        // Semicolons, a BOM, CRLF, a quoted field holding the delimiter, quotes and a newline, a bad email,
        // a duplicate recipient (case differs), and a row with a missing field.
        var csv = "email;first_name;order_id\r\n" +
                  "ada@example.com;Ada;A-1\r\n" +
                  "bob@example.com;\"Bob; \"\"the builder\"\"\nJr\";B-2\r\n" +
                  "not-an-email;Eve;E-3\r\n" +
                  "ADA@example.com;Ada again;A-4\r\n" +
                  "carl@example.com;Carl\r\n" +
                  "dora@example.com;Dora;D-5\r\n";
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8(csv, bom: true));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>());

        var status = await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);
        Assert.Equal("completed", status["status"]!.GetValue<string>());
        Assert.Equal(6, status["totalRows"]!.GetValue<long>());
        Assert.Equal(3, status["acceptedRows"]!.GetValue<long>());
        Assert.Equal(2, status["rejectedRows"]!.GetValue<long>());
        Assert.Equal(1, status["duplicateRows"]!.GetValue<long>());
        Assert.Equal(100, status["percent"]!.GetValue<double>());

        var report = await tenant.Http.GetStringAsync($"/api/v1/services/notifications/bulk/{jobId}/errors");
        var lines = report.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        // Record numbers as a spreadsheet counts them (1 = the first row after the header) and the file line each starts
        // on (record 2 spans lines 3-4), then the file's own columns, so the rows can be fixed and uploaded again.
        Assert.Equal("record,line,error_column,error,email,first_name,order_id", lines[0]);
        Assert.StartsWith("3,5,email,", lines[1]);
        Assert.EndsWith(",not-an-email,Eve,E-3", lines[1]);
        Assert.Equal("5,7,,\"Expected 3 fields, found 2.\",carl@example.com,Carl,", lines[2]);

        await Eventually.Async(async () => await service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1 and status = 'sent'", jobId) == 3,
            "the three rows to be sent");
        Assert.Equal("Order B-2 for Bob; \"the builder\"\nJr", await service.ScalarAsync<string>(
            "select s.content->>'subject' from sandbox_messages s join notifications n on n.id = s.notification_id where n.batch_id = $1 and n.recipient->>'email' = 'bob@example.com'", jobId));
    }

    [Theory]
    [InlineData("", "file")]
    [InlineData("email,name\n\0\0binary", "file")]
    [InlineData("phone,name\n+14155550100,Ada\n", "file")]      // no email column for the email channel
    [InlineData("\n\nemail\n", "file")]                          // no header
    public async Task A_file_that_cannot_be_a_job_is_a_400_naming_it_and_nothing_is_kept(string csv, string field)
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8(csv));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync())["errors"]!.AsObject().ContainsKey(field));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from bulk_jobs where tenant_id = $1", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from bulk_file_chunks c join bulk_jobs j on j.id = c.job_id where j.tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task Invalid_utf8_an_unknown_template_and_a_non_multipart_body_are_rejected()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var latin1 = await BulkCsv.PostAsync(tenant.Http, [.. "email,first_name\nzoe@example.com,Zo"u8.ToArray(), 0xEB, (byte)'\n']);
        Assert.Equal(HttpStatusCode.BadRequest, latin1.StatusCode);
        var unknown = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email\na@example.com\n"), template: "nope");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        var json = await tenant.Http.PostJsonAsync(BulkCsv.Upload, new { file = "x" });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
    }

    [Fact]
    public async Task A_dry_run_validates_every_row_and_sends_nothing()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("E-mail,first_name,order_id\na@example.com,A,1\nbad,B,2\nc@example.com,,3\n"), dryRun: true,
            mapping: """{"E-mail": "email"}""");
        var status = await BulkCsv.WaitFinishedAsync(tenant.Http, Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>()));

        Assert.True(status["dryRun"]!.GetValue<bool>());
        // A bad address and an empty first_name (a value the template requires) are both rejected.
        Assert.Equal((1L, 2L), (status["acceptedRows"]!.GetValue<long>(), status["rejectedRows"]!.GetValue<long>()));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
        // No delivery work was queued; the bulk job's own queue row may still be on its way out after its status committed.
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and queue <> 'bulk'", tenant.Id));

        // The preview shows the first accepted rows as delivery would render them.
        var preview = status["preview"]!.AsArray();
        Assert.Single(preview);
        Assert.Equal((1, "a@example.com"), (preview[0]!["row"]!.GetValue<int>(), preview[0]!["recipient"]!["email"]!.GetValue<string>()));   // record 1: the first row after the header
        Assert.Equal("Order 1 for A", preview[0]!["parts"]!["subject"]!.GetValue<string>());
        Assert.Equal("<p>Hi A</p>", preview[0]!["parts"]!["html"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chunks_committing_at_once_send_each_recipient_once_and_account_for_every_row()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        // 1,000 rows in chunks of 50 (the fixture's Bulk:ChunkRows): each of 500 recipients appears twice,
        // the second time 500 rows later and in reverse order, so the repeats meet in chunks committing at once.
        var rows = Enumerable.Range(0, 500).Select(i => $"r{i}@example.com,N{i},O{i}")
            .Concat(Enumerable.Range(0, 500).Reverse().Select(i => $"R{i}@EXAMPLE.com,again,P{i}"));
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email,first_name,order_id\n" + string.Join("\n", rows) + "\n"));
        var jobId = Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>());
        var status = await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);

        Assert.Equal("completed", status["status"]!.GetValue<string>());
        Assert.Equal((1000L, 1000L, 500L, 500L), (status["totalRows"]!.GetValue<long>(), status["processedRows"]!.GetValue<long>(),
            status["acceptedRows"]!.GetValue<long>(), status["duplicateRows"]!.GetValue<long>()));
        Assert.Equal(500, await service.ScalarAsync<long>("select count(distinct lower(recipient->>'email')) from notifications where batch_id = $1", jobId));
        Assert.Equal(500, await service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1", jobId));
        // The checkpoint ranges tile the file exactly.
        Assert.Equal(1000, await service.ScalarAsync<long>("select sum(last_row - first_row + 1)::bigint from bulk_chunks where job_id = $1", jobId));
        Assert.Equal(20, await service.ScalarAsync<long>("select count(*) from bulk_chunks where job_id = $1", jobId));
    }

    [Fact]
    public async Task Another_tenants_job_is_404_and_a_finished_job_cannot_be_cancelled()
    {
        var tenant = await service.NewTenantAsync();
        var stranger = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var jobId = Guid.Parse((await (await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email\na@example.com\n"))).JsonAsync())["jobId"]!.GetValue<string>());
        await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/v1/services/notifications/bulk/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/v1/services/notifications/bulk/{jobId}/errors")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostAsync($"/api/v1/services/notifications/bulk/{jobId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostAsync($"/api/v1/services/notifications/bulk/{jobId}/cancel", null)).StatusCode);
    }



    [Fact]
    public async Task The_readme_csv_example_works_as_written_with_the_seeded_file_and_template()
    {
        var demo = service.Client(ServiceFixture.DemoApiKey);
        var file = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "seed", "contacts.csv"));
        var response = await BulkCsv.PostAsync(demo, file, template: "welcome-csv", mapping: """{"E-mail":"email"}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>());

        var status = await BulkCsv.WaitFinishedAsync(demo, jobId);
        Assert.Equal(("completed", 2L, 1L), (status["status"]!.GetValue<string>(), status["acceptedRows"]!.GetValue<long>(), status["rejectedRows"]!.GetValue<long>()));
        await Eventually.Async(async () => await service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1 and status = 'sent'", jobId) == 2,
            "both good rows sent");
        Assert.Equal("Welcome to Acme, Ada!", await service.ScalarAsync<string>(
            "select s.content->>'subject' from sandbox_messages s join notifications n on n.id = s.notification_id where n.batch_id = $1 and n.recipient->>'email' = 'ada@example.com'", jobId));
        var report = (await demo.GetStringAsync($"/api/v1/services/notifications/bulk/{jobId}/errors")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("record,line,error_column,error,E-mail,first_name,plan", report[0]);
        Assert.StartsWith("3,4,E-mail,", report[1]);            // the column as the file names it
        Assert.EndsWith(",not-an-email,Eve,Pro", report[1]);
    }

    [Fact]
    public async Task A_file_whose_columns_cannot_fill_the_template_fails_saying_which_variables_are_missing()
    {
        var demo = service.Client(ServiceFixture.DemoApiKey);   // the seeded `welcome` needs user.firstName and appName
        var response = await BulkCsv.PostAsync(demo, BulkCsv.Utf8("email,first_name\nada@example.com,Ada\nbob@example.com,Bob\n"), template: "welcome");
        var jobId = Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>());

        var status = await BulkCsv.WaitFinishedAsync(demo, jobId);
        Assert.Equal("failed", status["status"]!.GetValue<string>());
        Assert.StartsWith("No row can render: template 'welcome' needs ", status["error"]!.GetValue<string>());
        Assert.Contains("user.firstName", status["error"]!.GetValue<string>());
        Assert.Contains("(data columns: first_name)", status["error"]!.GetValue<string>());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1", jobId));
    }
}
