using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws
{
    /// <summary>Elastic Load Balancing v2: the load balancers that may stand in front of GitLab (GL-1, GL-2).</summary>
    public interface ILoadBalancersReadApi
    {
        /// <summary>DescribeLoadBalancers, every page merged under "LoadBalancers", as `aws elbv2 describe-load-balancers` prints it.</summary>
        Task<ApiCallResult> DescribeLoadBalancersAsync(CancellationToken cancellationToken);
    }
}

namespace IsolationChecks.Aws.Elb
{
    /// <summary>ELBv2 reads over the thin Query client (AWSSDK.ElasticLoadBalancingV2 is not on the mirror), paged by Marker/NextMarker.</summary>
    internal sealed class LoadBalancersReadApi(ThinServiceClient client, int? pageSize, TimeSpan? retryDelay = null) : ILoadBalancersReadApi, IDisposable
    {
        /// <summary>DescribeLoadBalancers allows at most 400 results per page.</summary>
        public const int MaxPageSize = 400;

        public static ThinServiceDescription Service { get; } =
            new("Elastic Load Balancing v2", "elasticloadbalancing", "elasticloadbalancing", "2015-12-01", "elasticloadbalancing");

        private readonly AwsCallRunner _runner = new(client.Service.IamPrefix, client.Attempts, retryDelay);

        public async Task<ApiCallResult> DescribeLoadBalancersAsync(CancellationToken cancellationToken)
        {
            const string action = "DescribeLoadBalancers";
            var call = _runner.Begin(action);
            var merged = new JsonArray();
            string? marker = null;
            do
            {
                var parameters = new List<KeyValuePair<string, string>>();
                if (pageSize is { } size)
                    parameters.Add(new("PageSize", Math.Min(size, MaxPageSize).ToString(CultureInfo.InvariantCulture)));
                if (marker is not null)
                    parameters.Add(new("Marker", marker));
                var request = new QueryRequest { Action = action, Version = Service.ApiVersion, Parameters = parameters };
                var page = await call.PageAsync(request, client.QueryAsync, r => ElbXmlToCliJson.ConvertResult(r.Body, action), cancellationToken).ConfigureAwait(false);
                CliJson.AppendItems(merged, page, "LoadBalancers");
                marker = page["NextMarker"]?.GetValue<string>();
            }
            while (!string.IsNullOrEmpty(marker));

            return call.Result(new JsonObject { ["LoadBalancers"] = merged });
        }

        public void Dispose() => client.Dispose();
    }

    /// <summary>The Query/XML result of ELBv2's describe calls as the AWS CLI prints it: member lists as arrays, typed timestamps.</summary>
    internal static class ElbXmlToCliJson
    {
        private static readonly QueryXmlToCliJson Converter = new(new QueryShape(
            Lists: new HashSet<string>(StringComparer.Ordinal) { "LoadBalancers", "AvailabilityZones", "SecurityGroups", "LoadBalancerAddresses" },
            Timestamps: new HashSet<string>(StringComparer.Ordinal) { "CreatedTime" }));

        public static JsonObject ConvertResult(string responseXml, string action) => Converter.ConvertResult(responseXml, action);
    }
}
