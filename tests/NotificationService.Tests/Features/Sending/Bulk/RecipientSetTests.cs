using NotificationService.Features.Sending.Bulk;

namespace NotificationService.Tests.Features.Sending.Bulk;

public class RecipientSetTests
{
    [Fact]
    public void A_recipient_is_taken_once_and_every_later_row_of_it_is_a_repeat()
    {
        var set = new RecipientSet();
        Assert.True(set.Add("email:ada@example.com"));
        Assert.False(set.Add("email:ada@example.com"));
        Assert.True(set.Add("sms:ada@example.com"));   // the channel is part of the key
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void Keys_that_differ_in_one_character_or_only_in_length_stay_apart_while_the_table_grows()
    {
        // 300,000 numbers padded to every length from 0 to 40 characters (so each tail size is hashed), half with
        // trailing NULs: many keys differ from another in one character or only in length.
        var keys = Enumerable.Range(0, 300_000)
            .Select(i => $"{i:x}".PadRight(i % 41, i % 2 == 0 ? 'a' : '\0'))
            .Concat(Enumerable.Range(0, 17).Select(n => new string('\0', n)))
            .Distinct().ToList();
        var set = new RecipientSet();
        Assert.All(keys, k => Assert.True(set.Add(k), $"'{k}' was new"));
        Assert.All(keys, k => Assert.False(set.Add(k), $"'{k}' was added before"));
        Assert.Equal(keys.Count, set.Count);
        Assert.True(keys.Count > 250_000, $"{keys.Count} distinct keys");
    }
}
