using NUnit.Framework;

namespace IsolationChecks.IntegrationTests.Moto;

[TestFixture]
public sealed class MotoServerTests
{
    private const string CountVpcs = "import boto3; print(len(boto3.client('ec2', region_name='eu-west-1').describe_vpcs()['Vpcs']))";

    [Test]
    public async Task ResetWipesWhatWasCreatedAndDisposeStopsTheServer()
    {
        var moto = await MotoServer.StartAsync();
        int before, created, after;
        try
        {
            before = int.Parse(await PythonScript.RunAsync(moto, CountVpcs));
            await PythonScript.RunAsync(moto, "import boto3; boto3.client('ec2', region_name='eu-west-1').create_vpc(CidrBlock='10.9.0.0/16')");
            created = int.Parse(await PythonScript.RunAsync(moto, CountVpcs));
            await moto.ResetAsync();
            after = int.Parse(await PythonScript.RunAsync(moto, CountVpcs));
        }
        finally
        {
            await moto.DisposeAsync();
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(moto.Endpoint, Does.StartWith("http://127.0.0.1:"));
            Assert.That(created, Is.EqualTo(before + 1));
            Assert.That(after, Is.EqualTo(before));
            Assert.That(async () => await http.GetAsync(moto.Endpoint + "/moto-api/data.json"), Throws.InstanceOf<HttpRequestException>());
        }
    }
}
