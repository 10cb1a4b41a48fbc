using System.Text.Json.Nodes;
using NotificationService.Features.People.Recipients;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// One CSV record of a profile import → a profile write. Columns `user_id`, `email`, `phone`, `name`, `locale`, `timezone`
/// and `avatar_url` (any case) are the profile's fields; every other column goes into `data` under its header, a `data.`
/// prefix dropped (`plan` and `data.plan` both fill `data.plan`), values as text. An empty cell is no value: in merge mode
/// the stored field is left as it is, in replace mode it is absent (removed). The fields are checked with the profile's
/// own rules when the chunk is written (<see cref="ProfileStore"/>), so a bad row names its column in the error report.
/// </summary>
public sealed class ProfileRowMapper(BulkOptions options, IReadOnlyList<string> header) : IBulkRowMapper
{
    public static readonly Dictionary<string, string> FieldByColumn = new(StringComparer.OrdinalIgnoreCase)
    {
        ["user_id"] = "userId", ["email"] = "email", ["phone"] = "phone", ["name"] = "name", ["locale"] = "locale",
        ["timezone"] = "timezone", ["avatar_url"] = "avatarUrl",
    };

    public MappedRow Map(long rowNumber, long line, string[] fields)
    {
        if (fields.Length != header.Count)
            return new MappedRow.Rejected(rowNumber, line, Original(fields), null,
                $"Expected {header.Count} fields, found {fields.Length}.");
        for (var i = 0; i < header.Count; i++)
            if (!StorableText.IsStorable(fields[i]) || !StorableText.IsStorable(header[i]))
                return new MappedRow.Rejected(rowNumber, line, Original(fields), StorableText.Replaced(header[i]), StorableText.Problem);

        string? userId = null;
        var document = new JsonObject();
        JsonObject? data = null;
        for (var i = 0; i < header.Count; i++)
        {
            var value = fields[i].Trim();
            if (FieldByColumn.TryGetValue(header[i], out var field))
            {
                if (field == "userId") userId = value.Length == 0 ? null : value;
                else if (value.Length > 0) document[field] = value;
                continue;
            }
            if (fields[i].Length == 0) continue;
            (data ??= new JsonObject())[DataKey(header[i])] = fields[i];
        }
        if (userId is null)
            return new MappedRow.Rejected(rowNumber, line, Original(fields), ColumnOf("userId"), "Each row needs its user_id.");
        if (data is not null) document["data"] = data;
        return new MappedRow.Profile(rowNumber, line, ProfileWrite.Of(userId, options.Merge, document), fields);
    }

    public static string DataKey(string column) =>
        column.StartsWith("data.", StringComparison.OrdinalIgnoreCase) && column.Length > 5 ? column[5..] : column;

    /// <summary>The column a profile field's error is about (`data` errors: the first data column).</summary>
    public string? ColumnOf(string field) =>
        header.FirstOrDefault(h => FieldByColumn.TryGetValue(h, out var f) && f == field)
        ?? (field == "data" ? header.FirstOrDefault(h => !FieldByColumn.ContainsKey(h)) : null)
        ?? field;

    public JsonObject Original(string[] fields)
    {
        var original = new JsonObject();
        for (var i = 0; i < header.Count && i < fields.Length; i++)
            original[StorableText.Replaced(header[i])] = StorableText.Replaced(fields[i]);
        return original;
    }
}

/// <summary>A CSV record → a mapped row: a send's recipient (<see cref="BulkRowMapper"/>) or a profile
/// (<see cref="ProfileRowMapper"/>).</summary>
public interface IBulkRowMapper
{
    MappedRow Map(long rowNumber, long line, string[] fields);
}
