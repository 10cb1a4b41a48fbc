using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// The recipients a job has taken so far: a repeat is counted as a duplicate, not sent again. The job's one
/// runner keeps it in memory, 128 bits per recipient (an open-addressing table of key fingerprints, 32 MiB for
/// a million rows): asking PostgreSQL instead cost a fifth of the database's work per row. A runner that resumes
/// a job rebuilds the set from the rows committed before it, and a runner that lost the job can no longer commit
/// (<see cref="BulkJobContext.Runner"/>), so two sets never decide for one job.
/// </summary>
public sealed class RecipientSet
{
    private ulong[] _slots = new ulong[2 * 1024]; // pairs (high, low); (0, 0) is an empty slot
    private int _count;

    public int Count => _count;

    /// <returns>False when the key was added before.</returns>
    public bool Add(string key)
    {
        if ((_count + 1) * 4L > Capacity * 3L) Grow();
        var (high, low) = Fingerprint(key);
        return Insert(_slots, high, low);
    }

    private int Capacity => _slots.Length / 2;

    private bool Insert(ulong[] slots, ulong high, ulong low)
    {
        var mask = slots.Length / 2 - 1;
        for (var i = (int)low & mask; ; i = (i + 1) & mask)
        {
            if (slots[2 * i] == high && slots[2 * i + 1] == low) return false;
            if (slots[2 * i] != 0 || slots[2 * i + 1] != 0) continue;
            slots[2 * i] = high;
            slots[2 * i + 1] = low;
            _count++;
            return true;
        }
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        _count = 0;
        for (var i = 0; i < old.Length; i += 2)
            if (old[i] != 0 || old[i + 1] != 0) Insert(_slots, old[i], old[i + 1]);
    }

    /// <summary>
    /// Two 64-bit multiply-rotate lanes over the key's UTF-16 bytes, each finished by MurmurHash3's fmix64. Not
    /// cryptographic (a tenant could only make its own recipients collide); by chance, two of ten million keys
    /// share a fingerprint with odds below 10⁻²⁴ (for a hash as good as random). Never (0, 0), the empty slot.
    /// </summary>
    internal static (ulong High, ulong Low) Fingerprint(string key)
    {
        var bytes = MemoryMarshal.AsBytes(key.AsSpan());
        ulong a = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length, b = 0xC2B2AE3D27D4EB4FUL + (ulong)bytes.Length;
        for (; bytes.Length >= 8; bytes = bytes[8..])
            (a, b) = Step(a, b, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++) tail |= (ulong)bytes[i] << (8 * i);
        (a, b) = Step(a, b, tail);
        var (high, low) = (Fmix(a), Fmix(b ^ a));
        return high == 0 && low == 0 ? (0, 1) : (high, low);
    }

    private static (ulong, ulong) Step(ulong a, ulong b, ulong v) =>
        (BitOperations.RotateLeft((a ^ v) * 0x87C37B91114253D5UL, 31) * 0x4CF5AD432745937FUL,
         BitOperations.RotateLeft(b + v * 0xFF51AFD7ED558CCDUL, 29) * 0xC4CEB9FE1A85EC53UL);

    private static ulong Fmix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        return x ^ (x >> 33);
    }
}
