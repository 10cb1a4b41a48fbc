using NotificationService.Infrastructure;
using NotificationService.Contracts;
using System.Text.Json.Nodes;

namespace NotificationService.Features.Sending.Bulk;

public abstract record MappedRow(long RowNumber)
{
    /// <summary>What makes a later row a duplicate of this one (null: rejected rows and duplicates take nothing).</summary>
    public virtual string? Key => null;

    /// <param name="Line">The file line the record starts on (for the error report, should the template refuse its data).</param>
    public sealed record Accepted(long RowNumber, RecipientDto Recipient, string? Locale, JsonObject Data, string RecipientKey,
        long Line = 0) : MappedRow(RowNumber)
    {
        public override string? Key => RecipientKey;
    }

    /// <summary>A profile import's row: the write it asks for, and the row as read (for the error report if the write
    /// is refused).</summary>
    public sealed record Profile(long RowNumber, long Line, People.Recipients.ProfileWrite Write, string[] Fields) : MappedRow(RowNumber)
    {
        public override string? Key => "profile:" + Write.UserId;
    }

    /// <param name="Original">The row's values by header, for the error report.</param>
    /// <param name="Line">The file line the record starts on (a quoted field may span lines).</param>
    public sealed record Rejected(long RowNumber, long Line, JsonObject Original, string? Column, string Reason) : MappedRow(RowNumber);
    /// <summary>An accepted row whose recipient an earlier row of the job took: counted, not sent.</summary>
    public sealed record Duplicate(long RowNumber) : MappedRow(RowNumber);
}

/// <summary>
/// One CSV record → a recipient and template data, with the single-send recipient rules. Recipient
/// columns (email, phone, user_id, device_token, locale, or what `mapping` points at them) fill the
/// recipient; every other column becomes template data under its header name.
/// </summary>
public sealed class BulkRowMapper(BulkOptions options, IReadOnlyList<string> header) : IBulkRowMapper
{
    private readonly Dictionary<string, string> _fieldByColumn = BulkOptions.RecipientFields
        .Select(f => (Field: f, Column: options.ColumnFor(f, header)))
        .Where(x => x.Column is not null).ToDictionary(x => x.Column!, x => x.Field, StringComparer.OrdinalIgnoreCase);

    /// <summary>The columns that become template data (every column not mapped to a recipient field).</summary>
    public IReadOnlyList<string> DataColumns => [.. header.Where(h => !_fieldByColumn.ContainsKey(h))];

    /// <param name="rowNumber">The record number: 1 is the first row after the header.</param>
    /// <param name="line">The file line the record starts on.</param>
    public MappedRow Map(long rowNumber, long line, string[] fields)
    {
        if (fields.Length != header.Count)
            return new MappedRow.Rejected(rowNumber, line, Original(fields), null,
                $"Expected {header.Count} fields, found {fields.Length}.");
        for (var i = 0; i < header.Count; i++)
            if (!StorableText.IsStorable(fields[i]) || !StorableText.IsStorable(header[i]))
                return new MappedRow.Rejected(rowNumber, line, Original(fields), StorableText.Replaced(header[i]), StorableText.Problem);
        if (Oversized(fields) is { } oversized)
            return new MappedRow.Rejected(rowNumber, line, Original(fields, clip: true), StorableText.Replaced(oversized.Column),
                oversized.Reason);

        string? email = null, phone = null, userId = null, token = null, locale = null;
        var data = new JsonObject();
        for (var i = 0; i < header.Count; i++)
        {
            var value = fields[i].Trim();
            switch (_fieldByColumn.GetValueOrDefault(header[i]))
            {
                case "email": email = Blank(value)?.ToLowerInvariant(); break;
                case "phone": phone = Blank(value); break;
                case "user_id": userId = Blank(value); break;
                case "device_token": token = Blank(value); break;
                case "locale": locale = Blank(value); break;
                // An empty cell is no value: a template that requires the variable reports it missing by name.
                default: if (fields[i].Length > 0) data[header[i]] = fields[i]; break;
            }
        }
        var recipient = new RecipientDto { Email = email, Phone = phone, UserId = userId, DeviceTokens = token is null ? null : [token] };
        var errors = new Dictionary<string, string[]>();
        RecipientRules.Check(options.Channel, recipient, errors, fromProfile: true);
        if (locale is not null && !RecipientRules.IsLocale(locale)) errors["recipient.locale"] = ["Not a BCP 47 language tag."];
        if (errors.Count > 0)
        {
            var (field, messages) = errors.First();
            return new MappedRow.Rejected(rowNumber, line, Original(fields), ColumnOf(field), messages[0]);
        }
        var key = email ?? phone ?? token ?? userId!;
        return new MappedRow.Accepted(rowNumber, recipient, locale ?? options.Locale, data, $"{options.Channel}:{key}", line);
    }

    /// <summary>
    /// A cell over <see cref="BulkLimits.MaxCellBytes"/>, or a row whose template data (names and values of its data
    /// columns) is over <see cref="BulkLimits.MaxRowDataBytes"/>: the column to name (for the row, its largest data column).
    /// Lengths in chars bound the UTF-8 size (1 to 3 bytes each), so ordinary rows are judged without counting bytes.
    /// </summary>
    private (string Column, string Reason)? Oversized(string[] fields)
    {
        long dataChars = 0;
        var largest = -1;
        for (var i = 0; i < header.Count; i++)
        {
            if (fields[i].Length > BulkLimits.MaxCellBytes / 3 && Utf8(fields[i]) > BulkLimits.MaxCellBytes)
                return (header[i], $"The cell is larger than {BulkLimits.MaxCellBytes / 1024} KB (the limit for one cell).");
            if (_fieldByColumn.ContainsKey(header[i]) || fields[i].Length == 0) continue;
            dataChars += header[i].Length + fields[i].Length;
            if (largest < 0 || fields[i].Length > fields[largest].Length) largest = i;
        }
        if (dataChars <= BulkLimits.MaxRowDataBytes / 3) return null;
        long dataBytes = 0;
        for (var i = 0; i < header.Count; i++)
            if (!_fieldByColumn.ContainsKey(header[i]) && fields[i].Length > 0) dataBytes += Utf8(header[i]) + Utf8(fields[i]);
        return dataBytes > BulkLimits.MaxRowDataBytes
            ? (header[largest], $"The row's template data is larger than {BulkLimits.MaxRowDataBytes / 1024} KB (the limit for one row); "
                + $"this is its largest column.")
            : null;
    }

    private static long Utf8(string s) => System.Text.Encoding.UTF8.GetByteCount(s);

    /// <summary>Built for rejected rows only: accepted rows (nearly all of them) don't pay for it.</summary>
    /// <param name="clip">For a row refused for its size: the report keeps the start of each long value, marked, not all of it.</param>
    private JsonObject Original(string[] fields, bool clip = false)
    {
        var original = new JsonObject();
        for (var i = 0; i < header.Count && i < fields.Length; i++)
            original[StorableText.Replaced(header[i])] = StorableText.Replaced(clip ? Clipped(fields[i]) : fields[i]);
        return original;
    }

    private const int ReportedChars = 1024;

    private static string Clipped(string value) =>
        value.Length <= ReportedChars ? value
            : string.Concat(value.AsSpan(0, char.IsHighSurrogate(value[ReportedChars - 1]) ? ReportedChars - 1 : ReportedChars),
                $"… [cut: {value.Length:N0} characters]");

    private string? ColumnOf(string errorField)
    {
        var field = errorField.Replace("recipient.", "") switch
        {
            "userId" => "user_id", var f when f.StartsWith("deviceTokens") => "device_token", var f => f,
        };
        return _fieldByColumn.FirstOrDefault(x => x.Value == field).Key ?? field;
    }

    private static string? Blank(string v) => v.Length == 0 ? null : v;
}
