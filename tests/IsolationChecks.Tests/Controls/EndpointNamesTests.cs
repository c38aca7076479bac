using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Endpoints.EP1_EndpointExists;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls;

/// <summary>Endpoint services written with their com.amazonaws.&lt;region&gt;. prefix are the same services to EP-1: the prefix is never doubled.</summary>
public sealed class EndpointNamesTests
{
    [Test]
    public void Prefixed_and_short_names_find_the_same_endpoints()
    {
        var prefixed = ReferenceVariant.Load().Edit("posture.json", p =>
            p["build"]!["requiredEndpoints"] = new JsonArray("com.amazonaws.ap-northeast-1.logs", "ecr.api", "com.amazonaws.ap-northeast-1.s3")).Evaluate<EndpointExists>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(prefixed.Select(f => (f.Resource.Name, f.Status)), Is.EqualTo(new[]
            {
                ("vpc-0a4155ce1ac383e36 logs", Status.Pass), ("vpc-0a4155ce1ac383e36 ecr.api", Status.Pass), ("vpc-0a4155ce1ac383e36 s3", Status.Pass),
            }));
            Assert.That(prefixed.SelectMany(f => f.Evidence.Select(e => e.Fact).Append(f.Message).Append(f.Resource.Id)),
                Has.None.Contains("com.amazonaws.ap-northeast-1.com.amazonaws"));
        }
    }
}
