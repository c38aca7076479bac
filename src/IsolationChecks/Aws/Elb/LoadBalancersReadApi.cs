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
        private static readonly HashSet<string> ListMembers = new(StringComparer.Ordinal)
        {
            "LoadBalancers", "AvailabilityZones", "SecurityGroups", "LoadBalancerAddresses",
        };

        private static readonly HashSet<string> TimestampMembers = new(StringComparer.Ordinal) { "CreatedTime" };

        public static JsonObject ConvertResult(string responseXml, string action)
        {
            var document = XDocument.Parse(responseXml);
            var result = document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == $"{action}Result")
                ?? throw new MalformedResponseException($"No {action}Result element in the response.");
            return ConvertObject(result);
        }

        private static JsonObject ConvertObject(XElement element)
        {
            var obj = new JsonObject();
            foreach (var child in element.Elements())
                obj[child.Name.LocalName] = ConvertMember(child);
            return obj;
        }

        private static JsonNode? ConvertMember(XElement element)
        {
            var name = element.Name.LocalName;
            if (ListMembers.Contains(name))
                return new JsonArray(element.Elements().Select(m => m.HasElements ? (JsonNode)ConvertObject(m) : JsonValue.Create(m.Value)).ToArray());
            if (element.HasElements)
                return ConvertObject(element);
            if (TimestampMembers.Contains(name))
                return CliJson.Timestamp(DateTime.Parse(element.Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
            return element.Value;
        }
    }
}
