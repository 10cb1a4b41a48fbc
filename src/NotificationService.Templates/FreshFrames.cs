using System.Linq.Expressions;
using System.Reflection;
using HandlebarsDotNet;
using HandlebarsDotNet.Collections;
using HandlebarsDotNet.PathStructure;
using FrameTable = HandlebarsDotNet.Collections.FixedSizeDictionary<HandlebarsDotNet.PathStructure.ChainSegment, object?,
    HandlebarsDotNet.PathStructure.ChainSegment.ChainSegmentEqualityComparer>;

namespace NotificationService.Templates;

/// <summary>
/// Binding frames holding nothing from their previous lives. Handlebars.Net 2.4.3 takes every frame from one pool shared by
/// every render in the process, and a frame goes back with its two tables (block params, @data) only marked empty: their
/// version is one byte, so 255 uses later an old entry counts as current again, and an insert that meets such an entry
/// follows its stale collision chain (into a cleared entry, whose index is 0, where the value is written and never found).
/// A render then printed blanks, or block params another render had left, another tenant's included. Every frame this
/// engine opens (each, with, sections) comes from here: the frame's tables keep exactly the entries the frame has just
/// copied from its parent, and every other slot is emptied before anything is written to it, so nothing in it can be
/// stale. The fields are Handlebars.Net's private ones: when an upgrade renames them, the type initialiser fails loudly
/// (a spec in Templates.Tests checks that the library still has them, and still has the fault).
/// </summary>
internal static class FreshFrames
{
    private static readonly Func<BindingContext, FrameTable> BlockParams = Read<BindingContext, FrameTable>("BlockParamsObject");
    private static readonly Func<BindingContext, FrameTable> Data = Read<BindingContext, FrameTable>("ContextDataObject");

    /// <summary>A child frame of <paramref name="parent"/>: what <c>parent.CreateFrame(value)</c> gives, made fresh.</summary>
    public static BindingContext Create(BindingContext parent, object? value = null)
    {
        var frame = parent.CreateFrame(value);
        Scrub(BlockParams(frame));
        Scrub(Data(frame));
        return frame;
    }

    /// <summary>Empties every slot that is not one of the table's <see cref="FrameTable.Count"/> current entries, and the
    /// index list past them (the library's copy and clear walk it until an entry of another version).</summary>
    internal static void Scrub<TKey, TComparer>(FixedSizeDictionary<TKey, object?, TComparer> table)
        where TKey : notnull where TComparer : notnull, IEqualityComparer<TKey>
    {
        var entries = Table<TKey, TComparer>.Entries(table);
        var indexes = Table<TKey, TComparer>.Indexes(table);
        var count = table.Count;
        Span<bool> current = stackalloc bool[entries.Length];
        for (var i = 0; i < count; i++) current[indexes[i].Index] = true;
        for (var slot = 0; slot < entries.Length;)
        {
            if (current[slot]) { slot++; continue; }
            var end = slot + 1;
            while (end < entries.Length && !current[end]) end++;
            Array.Clear(entries, slot, end - slot);
            slot = end;
        }
        if (count < indexes.Length) Array.Clear(indexes, count, indexes.Length - count);
    }

    /// <summary>The table's private arrays: its entries (of a private struct type, so read as an Array) and their index list.</summary>
    private static class Table<TKey, TComparer> where TKey : notnull where TComparer : notnull, IEqualityComparer<TKey>
    {
        public static readonly Func<FixedSizeDictionary<TKey, object?, TComparer>, Array> Entries =
            Read<FixedSizeDictionary<TKey, object?, TComparer>, Array>("_entries");
        public static readonly Func<FixedSizeDictionary<TKey, object?, TComparer>, EntryIndex<TKey>[]> Indexes =
            Read<FixedSizeDictionary<TKey, object?, TComparer>, EntryIndex<TKey>[]>("_indexes");
    }

    private static Func<T, TValue> Read<T, TValue>(string member)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var target = Expression.Parameter(typeof(T));
        Expression access = typeof(T).GetField(member, flags) is { } field ? Expression.Field(target, field)
            : typeof(T).GetProperty(member, flags) is { } property ? Expression.Property(target, property)
            : throw new MissingMemberException(typeof(T).FullName, member);
        return Expression.Lambda<Func<T, TValue>>(Expression.Convert(access, typeof(TValue)), target).Compile();
    }
}
