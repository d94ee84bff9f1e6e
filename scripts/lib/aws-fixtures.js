// What a stack's plan reads from AWS, created on the local server (moto) first: the state bucket, the
// DynamoDB lock table of legacy locking, and the load balancers that `data "aws_lb"` lookups find by name.
// moto keeps each region apart, so a lookup only resolves if its provider really calls the right region.
"use strict";
const { createStateBucket, request } = require("./s3-server");

/** One unsigned AWS API call (moto reads the region and service from the credential scope). */
function awsCall(endpoint, service, region, body, headers) {
  return request(endpoint, "POST", "/", body, {
    authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    ...headers,
  });
}

/** A Query-protocol call (EC2, ELBv2); resolves the XML body, rejects on an error status. */
async function query(endpoint, service, region, params) {
  const result = await awsCall(endpoint, service, region, new URLSearchParams(params).toString(), {
    "content-type": "application/x-www-form-urlencoded",
  });
  if (result.status !== 200) throw new Error(`${service} ${params.Action} in ${region} failed: ${result.status} ${result.body}`);
  return result.body;
}

const xmlValue = (xml, tag) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

/** Creates a load balancer by name in a region (with the VPC and two subnets it needs); resolves its ARN. */
async function createLoadBalancer(endpoint, region, name, type) {
  const ec2 = (params) => query(endpoint, "ec2", region, { Version: "2016-11-15", ...params });
  const vpc = xmlValue(await ec2({ Action: "CreateVpc", CidrBlock: "10.0.0.0/16" }), "vpcId");
  const subnets = [];
  for (const [i, zone] of ["a", "b"].entries()) {
    const created = await ec2({ Action: "CreateSubnet", VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `${region}${zone}` });
    subnets.push(xmlValue(created, "subnetId"));
  }
  const created = await query(endpoint, "elasticloadbalancing", region, {
    Version: "2015-12-01",
    Action: "CreateLoadBalancer",
    Name: name,
    Type: type,
    "Subnets.member.1": subnets[0],
    "Subnets.member.2": subnets[1],
  });
  return xmlValue(created, "LoadBalancerArn");
}

/** The DynamoDB table legacy locking writes to (hash key LockID, as Terraform requires). */
async function createLockTable(endpoint, region, table) {
  const body = JSON.stringify({
    TableName: table,
    AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  const result = await awsCall(endpoint, "dynamodb", region, body, {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": "DynamoDB_20120810.CreateTable",
  });
  if (result.status !== 200 && !/ResourceInUseException/.test(result.body)) {
    throw new Error(`creating DynamoDB table ${table} failed: ${result.status} ${result.body}`);
  }
}

/** A KMS key, for a backend whose config names one (kms_key_id); resolves its ARN. */
async function createKmsKey(endpoint, region) {
  const result = await awsCall(endpoint, "kms", region, "{}", {
    "content-type": "application/x-amz-json-1.1",
    "x-amz-target": "TrentService.CreateKey",
  });
  if (result.status !== 200) throw new Error(`creating a KMS key in ${region} failed: ${result.status} ${result.body}`);
  return JSON.parse(result.body).KeyMetadata.Arn;
}

/** The lookups of a synthesized stack: { address, region, name, type } per data "aws_lb". */
function lookupsOf(stackJson) {
  return Object.entries(stackJson.data?.aws_lb ?? {}).map(([address, lb]) => {
    // The construct writes the expected type into the lookup's postcondition; that is the one place it is.
    const conditions = JSON.stringify(lb.lifecycle?.postcondition ?? []);
    const type = /load_balancer_type == \\"(application|network)\\"/.exec(conditions)?.[1] ?? "application";
    return { address, region: lb.provider.replace(/^aws\./, ""), name: lb.name, type };
  });
}

/**
 * Creates what a synthesized stack reads at plan time; resolves the load balancers created, with ARNs.
 * Idempotent for the bucket and table; every call creates new load balancers only for names not yet made.
 */
async function seedStack(endpoint, stackJson, made = new Map()) {
  const backend = stackJson.terraform.backend.s3;
  await createStateBucket(endpoint, backend.bucket, backend.region);
  if (backend.dynamodb_table) await createLockTable(endpoint, backend.region, backend.dynamodb_table);
  const created = [];
  for (const lookup of lookupsOf(stackJson)) {
    const key = `${lookup.region}/${lookup.name}`;
    if (!made.has(key)) made.set(key, await createLoadBalancer(endpoint, lookup.region, lookup.name, lookup.type));
    created.push({ ...lookup, arn: made.get(key) });
  }
  return created;
}

module.exports = { seedStack, createLoadBalancer, createLockTable, createKmsKey, lookupsOf, awsCall };
