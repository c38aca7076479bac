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

    [Test]
    public async Task A_setup_puts_its_credentials_in_the_process_and_a_fault_proxy_in_front_until_the_server_is_disposed()
    {
        var names = MotoServer.Credentials.Keys.Append("AWS_ENDPOINT_URL").ToList();
        var before = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        var moto = await MotoServer.StartAsync(MotoSetup.CredentialsAndFaultProxy, CancellationToken.None);
        Dictionary<string, string?> during;
        string proxy;
        int described;
        try
        {
            during = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
            proxy = moto.Faults.Url;
            await PythonScript.RunAsync(moto, $"import boto3; boto3.client('ec2', region_name='eu-west-1', endpoint_url='{proxy}').describe_vpcs()");
            described = moto.Faults.RequestsFor("ec2", "DescribeVpcs").Count(r => r.Status == 200);
        }
        finally
        {
            await moto.DisposeAsync();
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, value) in MotoServer.Credentials)
                Assert.That(during[name], Is.EqualTo(value), $"{name} while the server runs");
            Assert.That(during["AWS_ENDPOINT_URL"], Is.EqualTo(before["AWS_ENDPOINT_URL"]), "the endpoint comes from the settings, so a proxy can sit in between");
            Assert.That(described, Is.EqualTo(1), "a call through the fault proxy reaches moto and is recorded");
            Assert.That(names.ToDictionary(n => n, Environment.GetEnvironmentVariable), Is.EqualTo(before), "dispose restores the environment");
            Assert.That(async () => await http.GetAsync(proxy + "/moto-api/data.json"), Throws.InstanceOf<HttpRequestException>(), "dispose stops the proxy");
        }
    }

    [Test]
    public async Task A_server_started_without_a_fault_proxy_says_so_when_asked_for_one()
    {
        await using var moto = await MotoServer.StartAsync();
        Assert.That(() => moto.Faults, Throws.InvalidOperationException.With.Message.Contains("MotoSetup.FaultProxy"));
    }
}
