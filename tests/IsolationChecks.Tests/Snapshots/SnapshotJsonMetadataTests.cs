using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Collection;
using IsolationChecks.Snapshots;
using IsolationChecks.Snapshots.Json;

namespace IsolationChecks.Tests.Snapshots;

/// <summary>
/// The serializer metadata generated at build time serves every document a snapshot holds, and nothing falls back to
/// reflection: a shape added to the catalog but not to <see cref="SnapshotJsonMetadata"/> fails here, not in a run.
/// </summary>
public class SnapshotJsonMetadataTests
{
    private sealed record NotDeclared(string Name);

    private static IEnumerable<Type> Documents() =>
        AwsCalls.All.Select(c => c.Shape).Concat(ProbeDocuments.All.Select(p => p.Shape)).Append(typeof(SnapshotManifest)).Distinct();

    private static IEnumerable<JsonSerializerOptions> ReadingOptions() =>
        new[] { SnapshotJson.PascalCase, SnapshotJson.CamelCase, SnapshotJson.Manifest }.Concat(ProbeDocuments.All.Select(p => p.Options));

    [Test]
    public void The_generated_metadata_declares_exactly_the_catalog_shapes_the_manifest_and_the_probe_records()
    {
        var declared = typeof(SnapshotJsonMetadata).GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!)
            .ToHashSet();

        Assert.That(declared, Is.EquivalentTo(Documents()));
    }

    [TestCaseSource(nameof(Documents))]
    public void Every_document_is_read_with_generated_metadata_under_every_reading_option(Type document)
    {
        foreach (var options in ReadingOptions())
        {
            Assert.That(options.TypeInfoResolver, Is.SameAs(SnapshotJsonMetadata.Default), "the generated metadata is the only resolver");
            Assert.That(options.GetTypeInfo(document).Type, Is.EqualTo(document));
        }
    }

    [Test]
    public void A_type_the_metadata_does_not_declare_is_refused_rather_than_read_by_reflection()
    {
        foreach (var options in ReadingOptions())
            Assert.That(() => options.GetTypeInfo(typeof(NotDeclared)), Throws.InstanceOf<NotSupportedException>().Or.InstanceOf<InvalidOperationException>());
    }

    /// <summary>
    /// What decides a gap (member names, order, required and nullable members and constructor parameters) is what the
    /// serializer built by reflection before: compared for every record a document reaches, under every reading option.
    /// </summary>
    [TestCaseSource(nameof(Documents))]
    public void The_generated_metadata_reads_every_member_as_reflection_did(Type document)
    {
        foreach (var options in ReadingOptions())
        {
            var reflected = new JsonSerializerOptions(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
            foreach (var type in Reached(document))
            {
                var expected = reflected.GetTypeInfo(type).Properties.Select(Describe);
                var actual = options.GetTypeInfo(type).Properties.Select(Describe);
                Assert.That(actual, Is.EqualTo(expected), $"{type.Name} under {options.PropertyNamingPolicy?.GetType().Name ?? "exact names"}");
            }
        }
    }

    /// <summary>
    /// The reader looks for broken cross-member rules (<see cref="IsolationChecks.Aws.Shapes.IValidatedShape"/>) along the
    /// serialized members, in declaration order: a shape's other public properties are computed values that hold no record.
    /// </summary>
    [TestCaseSource(nameof(Documents))]
    public void A_shape_holds_records_only_in_its_serialized_members_in_declaration_order(Type document)
    {
        foreach (var type in Reached(document).Where(t => t.Namespace == typeof(IsolationChecks.Aws.Shapes.Vpc).Namespace))
        {
            var serialized = SnapshotJson.PascalCase.GetTypeInfo(type).Properties.Select(p => p.Name).ToList();
            var declared = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();

            Assert.That(declared.Select(p => p.Name).Where(serialized.Contains), Is.EqualTo(serialized), type.Name);
            Assert.That(declared.Where(p => !serialized.Contains(p.Name)).Where(p => !p.PropertyType.IsValueType && p.PropertyType != typeof(string)).Select(p => p.Name),
                Is.Empty, $"{type.Name}: a computed property holding a record would be skipped by ScopeReader's consistency check");
        }
    }

    // An init-only member is set through the generated constructor delegate ("member initializer") and by its setter
    // under reflection: either way optional unless declared required, its nullability the property's own.
    private static string Describe(JsonPropertyInfo p) =>
        $"{p.Name} {p.PropertyType} required={p.IsRequired} getNull={p.IsGetNullable} setNull={p.IsSetNullable} get={p.Get is not null} " +
        (p.AssociatedParameter is { IsMemberInitializer: false } a ? $"parameter {a.Position} {a.Name} nullable={a.IsNullable} default={a.HasDefaultValue}:{a.DefaultValue}" : "member");

    /// <summary>The document's type and every record of the tool's own its members hold, directly or in lists.</summary>
    private static IEnumerable<Type> Reached(Type document)
    {
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>([document]);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type))
                continue;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var member = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                foreach (var candidate in member.IsGenericType ? member.GetGenericArguments().Append(member) : [member])
                    if (candidate.IsClass && candidate.Namespace?.StartsWith("IsolationChecks", StringComparison.Ordinal) == true)
                        pending.Enqueue(candidate);
            }
        }

        return seen;
    }
}
