using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.People.Preferences;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Npgsql;
using NotificationService.Channels;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// `POST /bulk/csv`: streams the multipart file into PostgreSQL as it arrives, checks its first
/// megabyte and the options, and answers 202 as soon as the file is stored and the job enqueued.
/// Any problem found here is a 4xx and leaves nothing behind (the job row and its chunks are deleted).
/// </summary>
public sealed class BulkUpload(NpgsqlDataSource db, BulkJobStore jobs, BulkFileStore files, JobQueue queue, ProviderDirectory providers,
    TemplateResolver templates, CategoryStore categories, IConfiguration config)
{
    private readonly long _maxBytes = config.GetValue("Bulk:MaxFileBytes", 1L << 30);
    private readonly int _maxConcurrent = config.GetValue("Bulk:MaxConcurrentJobsPerTenant", 3);
    private const int MaxFieldChars = 64 * 1024;
    private const int MaxFields = 32;

    /// <param name="profiles">A profile import (`POST /users/import`) rather than a CSV of recipients to send to.</param>
    public async Task<Guid> AcceptAsync(Guid tenantId, HttpRequest request, CancellationToken ct, bool profiles = false)
    {
        var boundary = request.ContentType is { } ct0 && MediaTypeHeaderValue.TryParse(ct0, out var media)
                && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(media.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
            throw new UnsupportedMediaTypeException("Upload the CSV as multipart/form-data with a `file` part.");
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = _maxBytes + (1 << 20);
        await EnsureCapacityAsync(tenantId, ct);

        var jobId = Uuid7.New();
        await jobs.CreateAsync(jobId, tenantId, ct);
        try
        {
            var (fields, fileName, head, bytes) = await ReadPartsAsync(jobId, request, boundary, ct);
            var options = profiles ? ProfileImportOptions(fields) : await OptionsAsync(tenantId, fields, ct);
            if (options.OverridePreferences) request.HttpContext.User.RequireFieldScope("overridePreferences");
            var sniffed = CsvSniffer.Inspect(head, options);
            options = options with { Delimiter = sniffed.Delimiter };

            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await jobs.SetOptionsAsync(conn, tx, jobId, options, fileName, bytes, ct);
            await queue.EnqueueAsync(conn, tx,
                [NewJob.For(BulkJobHandler.QueueName, tenantId, new BulkCsvJob(jobId), maxAttempts: 20)], ct);
            await tx.CommitAsync(ct);
            queue.NotifyCommitted([BulkJobHandler.QueueName]);
            return jobId;
        }
        catch
        {
            await jobs.DeleteAsync(jobId, CancellationToken.None);
            throw;
        }
    }

    private async Task<(Dictionary<string, string> Fields, string FileName, byte[] Head, long Bytes)> ReadPartsAsync(
        Guid jobId, HttpRequest request, string boundary, CancellationToken ct)
    {
        var reader = new MultipartReader(boundary, request.Body);
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? fileName = null;
        byte[] head = [];
        long bytes = 0;
        var field = new char[MaxFieldChars + 1];
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition() || name == "file")
                {
                    if (fileName is not null) throw RequestValidationException.For("file", "Upload one file per job.");
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "upload.csv";
                    bytes = await files.WriteAsync(jobId, section.Body, _maxBytes,
                        first => { head = first.ToArray(); return Task.CompletedTask; }, ct);
                }
                else
                {
                    // Read no more than the limit: a field is never held whole before it is measured.
                    using var text = new StreamReader(section.Body);
                    var length = await text.ReadBlockAsync(field, ct);
                    if (length > MaxFieldChars) throw RequestValidationException.For(name, "Form fields are at most 64 KB.");
                    if (fields.Count >= MaxFields)
                        throw RequestValidationException.For(name, $"At most {MaxFields} form fields besides the file.");
                    fields[name] = new string(field, 0, length);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException || e is IOException and not BadHttpRequestException)
        {
            // A body cut short, a boundary over 70 characters, headers over their limit: the client's mistake, not ours.
            throw RequestValidationException.For("$", $"The multipart body cannot be read: {e.Message}");
        }
        if (fileName is null) throw RequestValidationException.For("file", "A `file` part with the CSV is required.");
        if (bytes == 0) throw RequestValidationException.For("file", "The file is empty.");
        return (fields, fileName, head, bytes);
    }

    private async Task<BulkOptions> OptionsAsync(Guid tenantId, Dictionary<string, string> f, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value) in f)
            if (!StorableText.IsStorable(name) || !StorableText.IsStorable(value))
                errors[StorableText.Replaced(name)] = [StorableText.Problem];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var channel = f.GetValueOrDefault("channel") ?? "";
        if (!ChannelNames.IsKnown(channel)) errors["channel"] = [$"One of {string.Join(", ", ChannelNames.All)}."];
        var template = f.GetValueOrDefault("template") ?? "";
        if (template.Length == 0) errors["template"] = ["A template key is required."];
        Dictionary<string, string?>? mapping = null;
        try { mapping = f.TryGetValue("mapping", out var m) ? JsonSerializer.Deserialize<Dictionary<string, string?>>(m) : null; }
        catch (JsonException)
        { errors["mapping"] = ["A JSON object of CSV column → recipient field (email, phone, user_id, device_token, locale)."]; }
        if (mapping?.FirstOrDefault(c => c.Value is null || !BulkOptions.RecipientFields.Contains(c.Value))
                is { Key: { } column, Value: var bad })
            errors["mapping"] = [bad is null ? $"Column '{column}' is mapped to null." : $"Unknown recipient field '{bad}'."];
        // Columns are matched without regard to case, so `Email` and `email` are one column given twice.
        else if (mapping?.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            errors["mapping"] = [$"Column '{twice.Key}' is mapped twice."];
        var dryRun = f.GetValueOrDefault("dryRun") is not { } d ? false
            : bool.TryParse(d, out var b) ? b : AddError(errors, "dryRun", "true or false.");
        if (f.GetValueOrDefault("priority") is { } p && p is not ("high" or "normal" or "low"))
            errors["priority"] = ["One of high, normal, low."];
        var overridePreferences = f.GetValueOrDefault("overridePreferences") is not { } o ? false
            : bool.TryParse(o, out var ob) ? ob : AddError(errors, "overridePreferences", "true or false.");
        if (f.GetValueOrDefault("category") is { Length: 0 or > 100 }) errors["category"] = ["1 to 100 characters."];
        if (errors.Count > 0) throw new RequestValidationException(errors);

        if (!await providers.CanDeliverAsync(tenantId, channel, ct))
            errors["channel"] = [$"The tenant has no enabled provider for the '{channel}' channel."];
        var category = (await categories.ForTenantAsync(tenantId, ct)).ForSend(f.GetValueOrDefault("category"), out var categoryError);
        if (categoryError is not null) errors["category"] = [categoryError];
        if (await templates.ResolveAsync(tenantId, template, channel, f.GetValueOrDefault("locale"), ct) is null)
            errors["template"] = [$"No published template '{template}' for the '{channel}' channel."];
        if (errors.Count > 0) throw new RequestValidationException(errors, 422);
        return new BulkOptions
        {
            Channel = channel, Template = template, Locale = f.GetValueOrDefault("locale"),
            Priority = f.GetValueOrDefault("priority"), DryRun = dryRun,
            Mapping = (mapping ?? []).ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase),
            Category = category, OverridePreferences = overridePreferences,
        };
    }

    /// <summary>A profile import's one option: `mode`, `merge` (into stored profiles, RFC 7396) or `replace` (the default).</summary>
    private static BulkOptions ProfileImportOptions(Dictionary<string, string> f)
    {
        var unknown = f.Keys.Where(k => k != "mode").ToList();
        if (unknown.Count > 0)
            throw new RequestValidationException(unknown.ToDictionary(k => StorableText.Replaced(k),
                _ => new[] { "Unknown form field: a profile import takes `file` and `mode`." }));
        var mode = f.GetValueOrDefault("mode") ?? "replace";
        if (mode is not ("merge" or "replace"))
            throw RequestValidationException.For("mode", "merge (into the stored profile) or replace (the default).");
        return new BulkOptions { Kind = BulkOptions.ProfilesKind, Merge = mode == "merge" };
    }

    private async Task EnsureCapacityAsync(Guid tenantId, CancellationToken ct)
    {
        if (await jobs.CountRunningAsync(tenantId, ct) >= _maxConcurrent)
            throw new TooManyRequestsException($"At most {_maxConcurrent} bulk jobs run at once per tenant; wait for one to finish.");
    }

    private static bool AddError(Dictionary<string, string[]> errors, string field, string message)
    { errors[field] = [message]; return false; }
}
