// AWS objects the plans and the state backend use, created in moto_server: load balancers that `data "aws_lb"` finds by
// name, and the KMS key and DynamoDB lock table a team's backend settings name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { request } = require("../../scripts/lib/s3-server");

/** One AWS Query API call (EC2, ELBv2) to moto in a region; resolves the response XML. */
async function query(endpoint: string, service: string, region: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams(params).toString();
  const res = await request(endpoint, "POST", "/", body, {
    "content-type": "application/x-www-form-urlencoded",
    // moto routes by the service and region in the credential scope.
    authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
  });
  if (res.status !== 200) throw new Error(`${service} ${params.Action} in ${region} failed: ${res.status} ${res.body}`);
  return res.body;
}

/** Creates a load balancer in the region's default VPC; resolves its ARN. */
export async function createLoadBalancer(endpoint: string, region: string, name: string, type: "application" | "network"): Promise<string> {
  const subnets = await query(endpoint, "ec2", region, { Action: "DescribeSubnets", Version: "2016-11-15" });
  const ids = [...subnets.matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1]).slice(0, 2);
  const params: Record<string, string> = { Action: "CreateLoadBalancer", Version: "2015-12-01", Name: name, Type: type };
  ids.forEach((id, i) => (params[`Subnets.member.${i + 1}`] = id));
  const created = await query(endpoint, "elasticloadbalancing", region, params);
  const arn = /<LoadBalancerArn>([^<]+)<\/LoadBalancerArn>/.exec(created)?.[1];
  if (arn === undefined) throw new Error(`no ARN in CreateLoadBalancer's answer: ${created}`);
  return arn;
}

/** One AWS JSON API call (KMS, DynamoDB) to moto; resolves the parsed answer. */
async function jsonCall(endpoint: string, service: string, region: string, target: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await request(endpoint, "POST", "/", JSON.stringify(body), {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": target,
    authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
  });
  if (res.status !== 200) throw new Error(`${target} in ${region} failed: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

/** Creates a KMS key (for an encrypted state backend); resolves its ARN. */
export async function createKmsKey(endpoint: string, region: string): Promise<string> {
  const created = await jsonCall(endpoint, "kms", region, "TrentService.CreateKey", {});
  return (created.KeyMetadata as { Arn: string }).Arn;
}

/** Creates the DynamoDB table Terraform's legacy S3 state locking uses (hash key LockID). */
export async function createLockTable(endpoint: string, region: string, name: string): Promise<void> {
  await jsonCall(endpoint, "dynamodb", region, "DynamoDB_20120810.CreateTable", {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
}
