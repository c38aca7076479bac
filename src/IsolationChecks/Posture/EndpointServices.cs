namespace IsolationChecks.Posture;

/// <summary>
/// The AWS VPC endpoint services a posture may require, by short name (the part after com.amazonaws.&lt;region&gt;.).
/// A curated list, so a typo ("ecr-api", "cloudwatch-logs") stops the run instead of asking EP-1 for an endpoint no VPC
/// can ever have. docs/posture.md lists the same names (a test keeps them equal); add a name there and here together.
/// </summary>
public static class EndpointServices
{
    public const string Prefix = "com.amazonaws.";

    /// <summary>Interface and gateway endpoint services of AWS, as short names, in alphabetical order.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        "access-analyzer", "acm-pca", "airflow.api", "airflow.env", "airflow.ops", "aoss", "apigateway", "app-integrations",
        "appconfig", "appconfigdata", "application-autoscaling", "applicationinsights", "appmesh", "appmesh-envoy-management",
        "apprunner", "apprunner.requests", "appstream.api", "appstream.streaming", "appsync-api", "aps", "aps-workspaces", "athena",
        "autoscaling", "autoscaling-plans", "backup", "backup-gateway", "batch", "bedrock", "bedrock-agent", "bedrock-agent-runtime",
        "bedrock-runtime", "braket", "cassandra", "cleanrooms", "cloudcontrolapi", "cloudformation", "cloudhsmv2",
        "cloudtrail", "codeartifact.api", "codeartifact.repositories", "codebuild", "codebuild-fips", "codecommit", "codecommit-fips",
        "codeconnections.api", "codedeploy", "codedeploy-commands-secure", "codeguru-profiler", "codeguru-reviewer", "codepipeline",
        "codestar-connections.api", "comprehend", "comprehendmedical", "config", "connect-campaigns", "databrew", "dataexchange",
        "datasync", "datazone", "dax", "devops-guru", "dms", "dms-fips", "ds", "dynamodb", "ebs", "ec2", "ec2messages", "ecr.api",
        "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "eks", "eks-auth", "elastic-inference.runtime", "elasticache",
        "elasticbeanstalk", "elasticbeanstalk-health", "elasticfilesystem", "elasticfilesystem-fips", "elasticloadbalancing",
        "elasticmapreduce", "email-smtp", "emr-containers", "emr-serverless", "entityresolution", "events",
        "execute-api", "finspace", "finspace-api", "firehose", "fis", "forecast", "forecastquery", "frauddetector", "fsx", "fsx-fips",
        "git-codecommit", "git-codecommit-fips", "glue", "grafana", "grafana-workspace", "greengrass", "groundstation",
        "guardduty-data", "healthlake", "identitystore", "imagebuilder", "inspector2", "iot.data", "iot.fleethub.api",
        "iotsitewise.api", "iotsitewise.data", "iottwinmaker.api", "iottwinmaker.data", "kafka", "kafka-fips", "kendra",
        "kinesis-firehose", "kinesis-streams", "kms", "kms-fips", "lakeformation", "lambda", "license-manager", "logs", "lookoutequipment",
        "lookoutmetrics", "lookoutvision", "m2", "macie2", "managedblockchain-query", "memory-db", "mgn", "migrationhub-orchestrator",
        "migrationhub-strategy", "monitoring", "mq", "neptune-graph", "network-firewall", "network-firewall-fips",
        "omics.analytics", "omics.control-storage", "omics.storage", "omics.workflows", "organizations",
        "panorama", "payment-cryptography.controlplane", "payment-cryptography.dataplane", "personalize", "personalize-events",
        "personalize-runtime", "pi", "pipes", "pipes-data", "polly", "proton", "qldb.session", "quicksight-website",
        "ram", "rbin", "rds", "rds-data", "redshift", "redshift-data", "redshift-fips", "redshift-serverless", "rekognition",
        "rekognition-fips", "resource-groups", "robomaker", "rolesanywhere", "route53resolver", "rum", "rum-dataplane", "runtime.sagemaker",
        "s3", "s3-outposts", "s3express", "sagemaker.api", "sagemaker.featurestore-runtime", "sagemaker.metrics", "sagemaker.runtime",
        "sagemaker.runtime-fips", "scheduler", "schemas", "sdb", "secretsmanager", "securityhub", "securitylake", "servicecatalog",
        "servicecatalog-appregistry", "servicediscovery", "servicediscovery-fips", "simspaceweaver", "snow-device-management",
        "sns", "sqs", "ssm", "ssm-contacts", "ssm-incidents", "ssmmessages", "states", "storagegateway", "sts",
        "swf", "swf-fips", "synthetics", "tagging", "textract", "textract-fips", "timestream-influxdb",
        "timestream.ingest", "timestream.query", "transcribe", "transcribestreaming", "transfer", "transfer.server", "translate",
        "trustedadvisor", "verifiedpermissions", "vpc-lattice", "wisdom", "workspaces", "workspaces-web", "xray",
    ];

    private static readonly HashSet<string> KnownSet = new(Known, StringComparer.Ordinal);

    public static bool IsKnown(string shortName) => KnownSet.Contains(shortName);

    /// <summary>The name AWS gives a service's endpoints in a region: com.amazonaws.&lt;region&gt;.&lt;short name&gt;. The one place the prefix is added.</summary>
    public static string FullName(string region, string shortName) => $"{Prefix}{region}.{shortName}";

    /// <summary>Known names closest to a misspelt one (edit distance 2 at most), for "did you mean".</summary>
    public static IReadOnlyList<string> Suggestions(string name) =>
        Known.Select(k => (Name: k, Distance: Distance(k, name))).Where(k => k.Distance <= 2)
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal).Take(3).Select(k => k.Name).ToList();

    /// <summary>Edit distance (insertions, deletions, substitutions), for suggestions.</summary>
    internal static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
