using System.Diagnostics.CodeAnalysis;
using HandlebarsDotNet;
using HandlebarsDotNet.Compiler;
using HandlebarsDotNet.Iterators;
using HandlebarsDotNet.ObjectDescriptors;
using HandlebarsDotNet.PathStructure;
using HandlebarsDotNet.Runtime;
using HandlebarsDotNet.ValueProviders;

namespace NotificationService.Templates;

/// <summary>`#each` over a JSON object (and the layout's context), as Handlebars.Net's dictionary iterator does it, in a
/// frame from <see cref="FreshFrames"/>: with <c>as |value key|</c> the library's own frame took its block params into
/// a table that could still hold another render's entries.</summary>
internal sealed class FreshObjectIterator : IIterator
{
    public void Iterate(in EncodedTextWriter writer, BindingContext context, ChainSegment[] blockParamsVariables, object input,
        TemplateDelegate template, TemplateDelegate ifEmpty)
    {
        StackGuard.Ensure();
        var members = (IDictionary<string, object?>)input;
        using var frame = FreshFrames.Create(context);
        var iterator = new IteratorValues(frame);
        var blockParams = new BlockParamsValues(frame, blockParamsVariables);
        blockParams.CreateProperty(0, out var value);
        blockParams.CreateProperty(1, out var key);
        var index = 0;
        var last = members.Count - 1;
        foreach (var (name, item) in members)
        {
            RenderBudget.Tick();
            iterator.First = index == 0 ? BoxedValues.True : BoxedValues.False;
            iterator.Last = index == last ? BoxedValues.True : BoxedValues.False;
            iterator.Key = name;
            iterator.Index = BoxedValues.Int(index);
            blockParams[value] = item;
            blockParams[key] = name;
            iterator.Value = item;
            frame.Value = item;
            template(writer, frame);
            index++;
        }
        if (index > 0) return;
        frame.Value = context.Value;
        ifEmpty(writer, frame);
    }

    /// <summary>Describes JSON objects and the layout's context as Handlebars.Net does, with this iterator.</summary>
    public sealed class DescriptorProvider : IObjectDescriptorProvider
    {
        private readonly StringDictionaryObjectDescriptorProvider builtIn = new();

        public bool TryGetDescriptor(Type type, [NotNullWhen(true)] out ObjectDescriptor? value)
        {
            value = ObjectDescriptor.Empty;
            if (type != typeof(JsonObjectData) && type != typeof(Dictionary<string, object?>)
                || !builtIn.TryGetDescriptor(type, out var standard)) return false;
            value = new ObjectDescriptor(type, standard.MemberAccessor, standard.GetProperties, _ => new FreshObjectIterator(),
                standard.Dependencies);
            return true;
        }
    }
}
