using System.Net;
using System.Text;
using NotificationService.Features.Sending.Bulk;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Bulk;

/// <summary>
/// A cell, a row's data and a record have limits checked while the job reads the file: an oversized row is rejected in
/// the error report naming its column and the limit, the rows around it are sent as usual, and nothing oversized is
/// stored. Before, a one-row CSV whose cell was 50 MB was accepted, stored as 52 MB of `data`, and failed only at render.
/// </summary>
[Collection("service")]
public class BulkLimitsTests(ServiceFixture service)
{
    private async Task<(TestTenant Tenant, Guid JobId)> UploadAsync(string csv)
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var response = await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8(csv));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (tenant, Guid.Parse((await response.JsonAsync())["jobId"]!.GetValue<string>()));
    }

    private Task<string?> ErrorsAsync(Guid jobId) => service.ScalarAsync<string>(
        "select string_agg(row_number || ' line ' || line || ' ' || coalesce(column_name, '-') || ': ' || reason, ' | ' order by row_number) from bulk_errors where job_id = $1", jobId);

    [Fact]
    public async Task A_giant_cell_is_rejected_naming_its_column_while_the_rows_around_it_keep_their_columns()
    {
        // 5 MB in one quoted cell, with escaped quotes, the delimiter and line breaks in it; then a cell of exactly 64 KB
        // (two-byte characters), which is allowed, and one byte more, which is not.
        var giant = "\"" + string.Concat(Enumerable.Repeat("say \"\"hi\"\", then, go\r\n", 220_000)) + "\"";
        var exact = new string('é', BulkLimits.MaxCellBytes / 2);
        var csv = "email,first_name,order_id,note\n" +
                  "ada@example.com,Ada,A-1,\n" +
                  $"bob@example.com,{giant},B-2,\n" +
                  "cy@example.com,Cy,C-3,\n" +
                  $"dee@example.com,Dee,D-4,{exact}\n" +
                  $"eve@example.com,Eve,E-5,{exact}x\n";
        var (tenant, jobId) = await UploadAsync(csv);

        var status = await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);
        Assert.Equal(("completed", 5L, 3L, 2L), (status["status"]!.GetValue<string>(), status["totalRows"]!.GetValue<long>(),
            status["acceptedRows"]!.GetValue<long>(), status["rejectedRows"]!.GetValue<long>()));
        Assert.Equal("2 line 3 first_name: The cell is larger than 64 KB (the limit for one cell). | " +
                     "5 line 220006 note: The cell is larger than 64 KB (the limit for one cell).", await ErrorsAsync(jobId));
        // The report keeps the start of the giant value, marked, not megabytes of it.
        var reported = await service.ScalarAsync<string>("select original->>'first_name' from bulk_errors where job_id = $1 and row_number = 2", jobId);
        Assert.StartsWith("say \"hi\", then, go\r\n", reported);
        Assert.Contains("… [cut:", reported);
        Assert.True(reported!.Length < 2_000, $"{reported.Length} characters reported");
        // The record after the giant one was read with its own columns; nothing stored is over the limits.
        Assert.Equal("Cy|C-3", await service.ScalarAsync<string>(
            "select (data->>'first_name') || '|' || (data->>'order_id') from notifications where batch_id = $1 and recipient->>'email' = 'cy@example.com'", jobId));
        Assert.Equal(BulkLimits.MaxCellBytes, await service.ScalarAsync<int>(
            "select octet_length(data->>'note') from notifications where batch_id = $1 and recipient->>'email' = 'dee@example.com'", jobId));
        Assert.True(await service.ScalarAsync<int>("select max(octet_length(data::text)) from notifications where batch_id = $1", jobId) < BulkLimits.MaxRowDataBytes);
    }

    [Fact]
    public async Task A_row_whose_data_is_over_256_KB_is_rejected_naming_its_largest_column()
    {
        string X(int kb) => new('x', kb * 1024);
        var csv = "email,first_name,order_id,a,b,c,d,e\n" +
                  $"ada@example.com,Ada,A-1,{X(60)},{X(60)},{X(60)},{X(60)},{X(10)}\n" +   // 250 KB and the names: allowed
                  $"bob@example.com,Bob,B-2,{X(60)},{X(60)},{X(62)},{X(60)},{X(60)}\n" +   // 302 KB: not
                  $"cy@example.com,Cy,C-3,{X(60)},,,,\n";
        var (tenant, jobId) = await UploadAsync(csv);

        var status = await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);
        Assert.Equal(("completed", 2L, 1L), (status["status"]!.GetValue<string>(), status["acceptedRows"]!.GetValue<long>(), status["rejectedRows"]!.GetValue<long>()));
        Assert.Equal("2 line 3 c: The row's template data is larger than 256 KB (the limit for one row); this is its largest column.", await ErrorsAsync(jobId));
    }

    [Fact]
    public async Task A_record_of_dozens_of_giant_cells_fails_the_job_naming_the_line_and_the_limit()
    {
        var columns = Enumerable.Range(1, 70).Select(i => $"c{i}").ToList();
        var big = new string('z', 100 * 1024);   // each cut to 64 KB as it streams: 70 of them are still over 4 MB
        var csv = $"email,first_name,order_id,{string.Join(',', columns)}\n" +
                  $"ada@example.com,Ada,A-1,{string.Join(',', columns.Select(_ => "1"))}\n" +
                  $"bob@example.com,Bob,B-2,{string.Join(',', columns.Select(_ => big))}\n" +
                  $"cy@example.com,Cy,C-3,{string.Join(',', columns.Select(_ => "3"))}\n";
        var (tenant, jobId) = await UploadAsync(csv);

        var status = await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);
        Assert.Equal("failed", status["status"]!.GetValue<string>());
        Assert.Equal("The record after line 2 is larger than 4 MB, the most one record may take; the job stopped there.", status["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_multipart_body_cut_short_or_out_of_bounds_is_a_400_and_nothing_is_kept()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        const string file = "Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nemail,first_name,order_id\r\na@example.com,Ada,1\r\n";
        string Field(string name, string value) => $"--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n";
        (string Boundary, string Body, string Field)[] cases =
        [
            ("b", Field("channel", "email") + "--b\r\n" + file, "$"),                                      // no closing boundary: the body ends early
            ("b", Field(new string('n', 20_000), "1") + "--b\r\n" + file + "--b--\r\n", "$"),             // a section's headers over their 16 KB
            ("b", Field("template", new string('t', 64 * 1024 + 1)) + "--b\r\n" + file + "--b--\r\n", "template"),
            ("b", string.Concat(Enumerable.Range(0, 33).Select(i => Field($"x{i}", "1"))) + "--b\r\n" + file + "--b--\r\n", "x32"),
        ];
        foreach (var (boundary, body, field) in cases)
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
            var response = await tenant.Http.PostAsync(BulkCsv.Upload, content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {text}");
            Assert.True((await response.JsonAsync())["errors"]!.AsObject().ContainsKey(field), text);
        }
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from bulk_jobs where tenant_id = $1", tenant.Id));
    }
}
