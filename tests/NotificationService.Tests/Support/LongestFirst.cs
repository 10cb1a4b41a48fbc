using System.Reflection;
using Xunit;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("NotificationService.Tests.Support.LongestFirst", "NotificationService.Tests")]

namespace NotificationService.Tests.Support;

/// <summary>
/// A collection (or a class in a collection of its own) that runs for a minute or more: the lower the rank, the earlier
/// it starts.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StartsFirstAttribute(int rank) : Attribute
{
    public int Rank { get; } = rank;
}

/// <summary>
/// Starts the collections that run for minutes first (by their <see cref="StartsFirstAttribute"/> rank, on the collection's
/// definition or, for a class in a collection of its own, on the class), then the other named collections (each holds many
/// classes that run one after another), then the rest by name. xunit runs four collections at once here and, by default,
/// in an order of its own: a run that happened to start the bench smoke (9 minutes alone) at its 12th minute spent its last
/// 6 with one lane idle, and one that started the shared service's 112 classes (2.5 minutes, one after another) after
/// every class of its own, because "service" sorts after "Test collection for …", spent its last 2 minutes on one core.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private const string OwnCollection = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> collections) =>
        collections.OrderBy(Rank).ThenBy(c => c.CollectionDefinition is null).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection)
    {
        if (collection.CollectionDefinition?.GetCustomAttributes(typeof(StartsFirstAttribute)).FirstOrDefault() is { } starts)
            return (int)starts.GetConstructorArguments().First();
        if (collection.CollectionDefinition is null && collection.DisplayName.StartsWith(OwnCollection, StringComparison.Ordinal)
            && typeof(LongestFirst).Assembly.GetType(collection.DisplayName[OwnCollection.Length..].Split(' ')[0]) is { } type
            && type.GetCustomAttribute<StartsFirstAttribute>() is { } own)
            return own.Rank;
        return int.MaxValue;
    }
}
