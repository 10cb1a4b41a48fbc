using System.Buffers;

namespace NotificationService.Templates;

/// <summary>A growable char buffer rented from the shared pool, so deriving the text of an email does not
/// allocate intermediate strings or StringBuilder chunks on every render. A mutable struct: pass it by ref,
/// and <see cref="Dispose"/> it exactly once.</summary>
internal struct PooledCharBuffer(int capacity) : IDisposable
{
    private char[] array = ArrayPool<char>.Shared.Rent(Math.Max(capacity, 16));
    private int length;

    public readonly int Length => length;

    public readonly ReadOnlySpan<char> Span => array.AsSpan(0, length);

    public void Append(char c)
    {
        if (length == array.Length) Grow(1);
        array[length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (length + text.Length > array.Length) Grow(text.Length);
        text.CopyTo(array.AsSpan(length));
        length += text.Length;
    }

    public readonly override string ToString() => new(array, 0, length);

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(array);
        array = [];
        length = 0;
    }

    private void Grow(int more)
    {
        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(array.Length * 2, length + more));
        array.AsSpan(0, length).CopyTo(bigger);
        ArrayPool<char>.Shared.Return(array);
        array = bigger;
    }
}
