using Xunit;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("NotificationService.Tests.Support.LongestFirst", "NotificationService.Tests")]

namespace NotificationService.Tests.Support;

/// <summary>A collection that runs for minutes: the lower the rank, the earlier it starts.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StartsFirstAttribute(int rank) : Attribute
{
    public int Rank { get; } = rank;
}

/// <summary>
/// Starts the collections that run for minutes first (by their <see cref="StartsFirstAttribute"/> rank), then the rest
/// by name. xunit runs as many collections at once as there are cores and, by default, in an order of its own: a run on
/// two cores that happened to start the bench smoke (9 minutes alone) at its 12th minute spent its last 6 with one lane
/// idle. Started first, the long ones overlap everything else.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> collections) =>
        collections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection) =>
        collection.CollectionDefinition?.GetCustomAttributes(typeof(StartsFirstAttribute)).FirstOrDefault() is { } starts
            ? (int)starts.GetConstructorArguments().First()
            : int.MaxValue;
}
