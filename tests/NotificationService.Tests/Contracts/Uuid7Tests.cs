using NotificationService.Contracts;

namespace NotificationService.Tests.Contracts;

/// <summary>Ids drawn from a per-thread block of random bytes are still RFC 9562 version 7 ids: the time, the version and
/// variant bits, and no repeats when the blocks run out and refill, on one thread or many.</summary>
public class Uuid7Tests
{
    [Fact]
    public void A_new_id_is_version_7_with_the_rfc_variant_and_todays_millisecond()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = Uuid7.New();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        Assert.InRange(Uuid7.Timestamp(id).ToUnixTimeMilliseconds(), before, after);
        Assert.True(Uuid7.Floor(Uuid7.Timestamp(id)).CompareTo(id) <= 0);
    }

    [Fact]
    public void Ids_do_not_repeat_across_refills_of_the_random_block_on_one_thread_or_many()
    {
        // 2,000 ids per thread use the 4 KiB block five times over (10 bytes an id).
        var ids = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8)
            .SelectMany(_ => Enumerable.Range(0, 2_000).Select(_ => Uuid7.New()).ToList()).ToList();

        Assert.Equal(16_000, ids.Distinct().Count());
        // The random part differs too (not only the time): no two ids share their last eight bytes.
        Assert.Equal(16_000, ids.Select(i => Convert.ToHexString(i.ToByteArray(bigEndian: true)[8..])).Distinct().Count());
        Assert.All(ids, i => Assert.Equal(7, i.Version));
    }

    [Fact]
    public void Ids_made_later_sort_after_ids_made_in_an_earlier_millisecond()
    {
        var first = Uuid7.New();
        var start = Uuid7.Timestamp(first);
        Guid later;
        do later = Uuid7.New(); while (Uuid7.Timestamp(later) == start);

        // PostgreSQL orders uuids by their bytes, as their text sorts.
        Assert.True(string.CompareOrdinal(later.ToString(), first.ToString()) > 0, $"{later} sorts before {first}");
    }
}
