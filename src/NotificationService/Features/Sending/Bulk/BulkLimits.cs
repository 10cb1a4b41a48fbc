using NotificationService.Templates;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// Bounds on one CSV record, checked while the job reads the file, so an oversized row is rejected at import (in the
/// error report, naming its column and the limit) rather than stored, failing at render and filling console pages.
/// A row's data stays well under what one send may carry (<see cref="TemplateDataLimits.MaxDataBytes"/>, 1 MB), so a
/// row accepted here never fails at render for its size; a bulk job is many rows, and each one is stored.
/// </summary>
public static class BulkLimits
{
    /// <summary>One cell, in UTF-8 bytes. Cut at this size (plus one byte) while streaming (<see cref="CsvFieldCap"/>).</summary>
    public const int MaxCellBytes = 64 * 1024;

    /// <summary>A row's template data (its non-recipient columns: names and values), in UTF-8 bytes.</summary>
    public const int MaxRowDataBytes = 256 * 1024;

    /// <summary>
    /// The most CsvHelper buffers for one record (its MaxRecordSize). With every cell capped, only a record of dozens of
    /// giant cells reaches it; the job then fails naming the record, since the reader cannot resume inside one.
    /// </summary>
    public const int MaxRecordBytes = 4 * 1024 * 1024;
}
