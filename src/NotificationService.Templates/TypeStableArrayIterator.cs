using HandlebarsDotNet;
using HandlebarsDotNet.Compiler;
using HandlebarsDotNet.Iterators;
using HandlebarsDotNet.ObjectDescriptors;
using HandlebarsDotNet.PathStructure;
using HandlebarsDotNet.Runtime;
using HandlebarsDotNet.ValueProviders;

namespace NotificationService.Templates;

/// <summary>`#each` over a JSON array whose items are not all of one kind.
/// Handlebars.Net 2.4's array iterator renders every item in one binding frame, and the frame keeps the member
/// accessor of the first item it read a member from. A later item of another type then breaks the render:
/// `[{"title":"x"},{}]` or `[{"title":"x"},"s"]` threw InvalidCastException (the send would fail), and
/// `[{},{"title":"x"}]` rendered `[][]` where handlebars.js renders `[][x]`. This iterator opens a new frame
/// whenever the item type changes, so arrays of one kind (nearly all) cost exactly what they did.</summary>
internal sealed class TypeStableArrayIterator : IIterator
{
    public void Iterate(in EncodedTextWriter writer, BindingContext context, ChainSegment[] blockParamsVariables, object input,
        TemplateDelegate template, TemplateDelegate ifEmpty)
    {
        StackGuard.Ensure();
        var items = (object?[])input;
        if (items.Length == 0)
        {
            using var empty = FreshFrames.Create(context);
            empty.Value = context.Value;
            ifEmpty(writer, empty);
            return;
        }
        for (var start = 0; start < items.Length;)
        {
            var type = items[start]?.GetType();
            var end = start + 1;
            while (end < items.Length && items[end]?.GetType() == type) end++;
            IterateRun(writer, context, blockParamsVariables, items, start, end, template);
            start = end;
        }
    }

    /// <summary>Items [start, end) share a type, so they can share a frame.</summary>
    private static void IterateRun(in EncodedTextWriter writer, BindingContext context, ChainSegment[] blockParamsVariables,
        object?[] items, int start, int end, TemplateDelegate template)
    {
        using var frame = FreshFrames.Create(context);
        var iterator = new IteratorValues(frame);
        var blockParams = new BlockParamsValues(frame, blockParamsVariables);
        blockParams.CreateProperty(0, out var item);
        blockParams.CreateProperty(1, out var position);
        var last = items.Length - 1;
        for (var i = start; i < end; i++)
        {
            RenderBudget.Tick();
            var value = items[i];
            var index = BoxedValues.Int(i);
            iterator.First = i == 0 ? BoxedValues.True : BoxedValues.False;
            iterator.Last = i == last ? BoxedValues.True : BoxedValues.False;
            iterator.Key = iterator.Index = index;
            blockParams[item] = value;
            blockParams[position] = index;
            iterator.Value = value;
            frame.Value = value;
            template(writer, frame);
        }
    }

    /// <summary>Describes object?[] (every JSON array in template data) as Handlebars.Net does, with this iterator.
    /// Providers added to the configuration are asked before the built-in ones.</summary>
    public sealed class DescriptorProvider : IObjectDescriptorProvider
    {
        private readonly EnumerableObjectDescriptor builtIn = new(new ObjectDescriptorProvider([]));

        public bool TryGetDescriptor(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ObjectDescriptor? value)
        {
            value = ObjectDescriptor.Empty;
            if (type != typeof(object[]) || !builtIn.TryGetDescriptor(type, out var standard)) return false;
            value = new ObjectDescriptor(type, standard.MemberAccessor, standard.GetProperties, _ => new TypeStableArrayIterator(),
                standard.Dependencies);
            return true;
        }
    }
}
