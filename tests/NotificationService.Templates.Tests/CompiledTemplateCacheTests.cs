namespace NotificationService.Templates.Tests;

/// <summary>The compiled-template cache is read and written by every delivery thread at once, and evicts while they do.</summary>
public class CompiledTemplateCacheTests
{
    [Fact]
    public void Eviction_while_other_threads_add_never_fails_a_lookup()
    {
        // Eviction once sorted the live dictionary with LINQ, which sizes its copy from Count and throws when another
        // thread adds before the copy: a delivery rendering distinct inline bodies went dead with that exception.
        var cache = new CompiledTemplateCache(capacity: 64);
        var compiled = CompiledTemplate.Compile(new TemplateDefinition(Guid.Empty, "k", [new TemplatePart("body", "x", false)]), []);
        var tenant = Guid.NewGuid();
        var failures = 0;
        Parallel.For(0, 400_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            try { Assert.Same(compiled, cache.GetOrAdd((tenant, i.ToString()), static c => c, compiled)); }
            catch (ArgumentException) { Interlocked.Increment(ref failures); }
        });
        Assert.Equal(0, failures);
        Assert.InRange(cache.Count, 1, 64 + 8);
    }
}
