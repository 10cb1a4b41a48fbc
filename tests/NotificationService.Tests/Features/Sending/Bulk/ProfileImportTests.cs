using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Bulk;

/// <summary>
/// `POST /users/import`: a CSV of profiles through the bulk-job machinery (streamed upload, chunks of 50 rows here
/// committing at once, progress, the error report): the profile columns become fields, every other column (or `data.x`)
/// data; replace mode writes each row as the whole profile, merge mode patches the stored one.
/// </summary>
[Collection("service")]
public class ProfileImportTests(ServiceFixture service)
{
    [Fact]
    public async Task A_replace_import_creates_and_replaces_profiles_over_several_chunks_and_reports_each_bad_row_at_its_column()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.IdentifyAsync("imp-0", new { name = "Old", phone = "+14155550100", data = new { old = "gone" } });
        var csv = new StringBuilder("user_id,email,phone,name,locale,timezone,avatar_url,plan,data.seats\n");
        for (var i = 0; i < 120; i++) csv.Append($"imp-{i},IMP{i}@Example.com,,User {i},fr-CA,Europe/Paris,https://cdn.example.com/{i}.png,pro,{i}\n");
        csv.Append("imp-bad-zone,,,Zed,,Mars/Olympus,,,\n");
        csv.Append(",nobody@example.com,,No Id,,,,,\n");
        csv.Append("imp-short,only-two-fields\n");
        csv.Append("imp-5,dup@example.com,,Duplicate,,,,,\n");

        var jobId = await ProfileImport.UploadAsync(tenant.Http, csv.ToString());
        var job = await ProfileImport.WaitFinishedAsync(tenant.Http, jobId);
        Assert.Equal(("completed", "profiles"), (job["status"]!.GetValue<string>(), job["kind"]!.GetValue<string>()));
        Assert.Equal((124L, 120L, 3L, 1L), (job["totalRows"]!.GetValue<long>(), job["acceptedRows"]!.GetValue<long>(), job["rejectedRows"]!.GetValue<long>(),
            job["duplicateRows"]!.GetValue<long>()));
        Assert.Equal(100, job["percent"]!.GetValue<double>());

        var first = (await tenant.Http.ProfileAsync("imp-0"))!;
        Assert.Equal(("imp0@example.com", "User 0", "fr-CA", "Europe/Paris"), (first.Text("email"), first.Text("name"), first.Text("locale"), first.Text("timezone")));
        Assert.Null(first["phone"]);                                                    // replace: an empty cell is no field
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"plan":"pro","seats":"0"}"""), first["data"]), first["data"]!.ToJsonString());
        Assert.Equal("User 5", (await tenant.Http.ProfileAsync("imp-5")).Text("name"));  // the first row of a user wins
        Assert.Equal(120, await service.ScalarAsync<long>("select count(*) from recipient_profiles where tenant_id = $1", tenant.Id));

        var report = (await tenant.Http.GetStringAsync($"{ProfileImport.Path}/{jobId}/errors")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("record,line,error_column,error,", report[0]);
        Assert.StartsWith("121,122,timezone,Unknown time zone 'Mars/Olympus'", report[1]);
        Assert.StartsWith("122,123,user_id,", report[2]);
        Assert.StartsWith("123,124,,\"Expected 9 fields, found 2.\"", report[3]);
    }

    [Fact]
    public async Task A_merge_import_patches_stored_profiles_leaving_empty_cells_and_other_fields_as_they_were()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.IdentifyAsync("m-1", new { email = "m1@example.com", name = "Keep", data = new { plan = "free", seats = "1" } });
        var jobId = await ProfileImport.UploadAsync(tenant.Http, "user_id;name;plan\nm-1;;team\nm-2;New;pro\n", mode: "merge");
        var job = await ProfileImport.WaitFinishedAsync(tenant.Http, jobId);
        Assert.Equal(2, job["acceptedRows"]!.GetValue<long>());

        var merged = (await tenant.Http.ProfileAsync("m-1"))!;
        Assert.Equal(("m1@example.com", "Keep"), (merged.Text("email"), merged.Text("name")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"plan":"team","seats":"1"}"""), merged["data"]), merged["data"]!.ToJsonString());
        Assert.Equal("New", (await tenant.Http.ProfileAsync("m-2")).Text("name"));
        // The import's own progress is also the bulk job's (a bulk job of kind `profiles`).
        Assert.Equal("profiles", (await tenant.Http.GetFromJsonAsync<JsonNode>($"/api/v1/services/notifications/bulk/{jobId}"))!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_import_needs_users_write_a_user_id_column_and_a_known_mode_and_a_send_job_is_not_an_import()
    {
        var tenant = await service.NewTenantAsync();
        var reader = await service.KeyWithAsync(tenant.Id, "users:read");
        var writer = await service.KeyWithAsync(tenant.Id, "users:write");
        Assert.Equal(HttpStatusCode.Forbidden, (await ProfileImport.PostAsync(reader, "user_id\nx\n")).StatusCode);

        var noId = await ProfileImport.PostAsync(writer, "email,name\na@example.com,A\n");
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Equal(["file"], await noId.ErrorFieldsAsync());
        var badMode = await ProfileImport.PostAsync(writer, "user_id\nx\n", mode: "upsert");
        Assert.Equal(["mode"], await badMode.ErrorFieldsAsync());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from bulk_jobs where tenant_id = $1", tenant.Id));

        var jobId = await ProfileImport.UploadAsync(writer, "user_id\nw-1\n");
        Assert.Equal("completed", (await ProfileImport.WaitFinishedAsync(reader, jobId))["status"]!.GetValue<string>());
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var sendJob = Guid.Parse((await (await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email,first_name,order_id\na@example.com,A,1\n"))).JsonAsync())["jobId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"{ProfileImport.Path}/{sendJob}")).StatusCode);
    }
}
