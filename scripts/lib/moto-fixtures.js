// @ts-check
// What a stack's plan reads from AWS, created on the local server (moto) first: the state bucket, the
// DynamoDB lock table of legacy locking, the load balancers that `data "aws_lb"` lookups find by name, and
// the hosted zone that `data "aws_route53_zone"` finds by name.
// moto keeps each region apart, so a lookup only resolves if its provider really calls the right region.
"use strict";
const { createStateBucket, request } = require("./moto-server");

/**
 * One unsigned AWS API call (moto reads the region and service from the credential scope).
 * @param {string} endpoint @param {string} service @param {string} region @param {string} body
 * @param {Record<string, string>} headers
 */
function awsCall(endpoint, service, region, body, headers) {
  return request(endpoint, "POST", "/", body, {
    authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    ...headers,
  });
}

/**
 * A Query-protocol call (EC2, ELBv2); resolves the XML body, rejects on an error status.
 * @param {string} endpoint @param {string} service @param {string} region @param {Record<string, string>} params
 */
async function query(endpoint, service, region, params) {
  const result = await awsCall(endpoint, service, region, new URLSearchParams(params).toString(), {
    "content-type": "application/x-www-form-urlencoded",
  });
  if (result.status !== 200) throw new Error(`${service} ${params.Action} in ${region} failed: ${result.status} ${result.body}`);
  return result.body;
}

/** @param {string} xml @param {string} tag */
const xmlValue = (xml, tag) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

/**
 * Creates a load balancer by name in a region (with the VPC and two subnets it needs); resolves its ARN.
 * @param {string} endpoint @param {string} region @param {string} name
 * @param {"application" | "network"} type
 * @returns {Promise<string>}
 */
async function createLoadBalancer(endpoint, region, name, type) {
  /** @param {Record<string, string>} params */
  const ec2 = (params) => query(endpoint, "ec2", region, { Version: "2016-11-15", ...params });
  const vpc = xmlValue(await ec2({ Action: "CreateVpc", CidrBlock: "10.0.0.0/16" }), "vpcId") ?? "";
  // The region's own zones: not every region has an "a" and a "b" (ap-northeast-1 has a, c and d).
  const zones = [...(await ec2({ Action: "DescribeAvailabilityZones" })).matchAll(/<zoneName>([^<]+)<\/zoneName>/g)].map((m) => m[1]).sort();
  if (zones.length < 2) throw new Error(`${region} has fewer than two availability zones for a load balancer's subnets: ${zones.join(", ")}`);
  const subnets = [];
  for (const [i, zone] of zones.slice(0, 2).entries()) {
    const created = await ec2({ Action: "CreateSubnet", VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: zone });
    subnets.push(xmlValue(created, "subnetId") ?? "");
  }
  const created = await query(endpoint, "elasticloadbalancing", region, {
    Version: "2015-12-01",
    Action: "CreateLoadBalancer",
    Name: name,
    Type: type,
    "Subnets.member.1": subnets[0],
    "Subnets.member.2": subnets[1],
  });
  const arn = xmlValue(created, "LoadBalancerArn");
  if (arn === undefined) throw new Error(`creating load balancer ${name} in ${region} returned no ARN: ${created}`);
  return arn;
}

/**
 * The ARN of the load balancer of that name in that region, as a lookup finds it.
 * @param {string} endpoint @param {string} region @param {string} name
 * @returns {Promise<string>}
 */
async function loadBalancerArn(endpoint, region, name) {
  const described = await query(endpoint, "elasticloadbalancing", region, { Version: "2015-12-01", Action: "DescribeLoadBalancers", "Names.member.1": name });
  const arn = xmlValue(described, "LoadBalancerArn");
  if (arn === undefined) throw new Error(`no load balancer ${name} in ${region}`);
  return arn;
}

/**
 * The DynamoDB table legacy locking writes to (hash key LockID, as Terraform requires).
 * @param {string} endpoint @param {string} region @param {string} table
 */
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

/**
 * A KMS key, for a backend whose config names one (kms_key_id); resolves its ARN.
 * @param {string} endpoint @param {string} region
 * @returns {Promise<string>}
 */
async function createKmsKey(endpoint, region) {
  const result = await awsCall(endpoint, "kms", region, "{}", {
    "content-type": "application/x-amz-json-1.1",
    "x-amz-target": "TrentService.CreateKey",
  });
  if (result.status !== 200) throw new Error(`creating a KMS key in ${region} failed: ${result.status} ${result.body}`);
  return JSON.parse(result.body).KeyMetadata.Arn;
}

/**
 * One call to Route 53's REST API (a global service: the provider signs it for us-east-1).
 * @param {string} endpoint @param {string} method @param {string} path @param {string} [body]
 */
function route53(endpoint, method, path, body = "") {
  return request(endpoint, method, `/2013-04-01/${path}`, body, {
    authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=0",
    ...(body !== "" && { "content-type": "application/xml" }),
  });
}

/**
 * The public hosted zone of a name, created unless one exists: the data source must find exactly one, and
 * several stacks may name the same zone. Resolves its ID.
 * @param {string} endpoint @param {string} name
 * @returns {Promise<string>}
 */
async function createHostedZone(endpoint, name) {
  const listed = await route53(endpoint, "GET", `hostedzonesbyname?dnsname=${encodeURIComponent(name)}`);
  if (listed.status !== 200) throw new Error(`listing hosted zones named ${name} failed: ${listed.status} ${listed.body}`);
  const existing = [...listed.body.matchAll(/<HostedZone>([\s\S]*?)<\/HostedZone>/g)].find((m) => xmlValue(m[1], "Name") === `${name}.`);
  const zone =
    existing?.[1] ??
    (await (async () => {
      const body = `<?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>${name}</Name><CallerReference>smart-routing-${name}</CallerReference></CreateHostedZoneRequest>`;
      const created = await route53(endpoint, "POST", "hostedzone", body);
      if (created.status !== 201) throw new Error(`creating hosted zone ${name} failed: ${created.status} ${created.body}`);
      return created.body;
    })());
  const id = xmlValue(zone, "Id");
  if (id === undefined) throw new Error(`hosted zone ${name} has no ID: ${zone}`);
  return id.replace(/^\/hostedzone\//, "");
}

/**
 * The record sets of the hosted zone named `zone`: name (no trailing dot), type and alias target.
 * @param {string} endpoint @param {string} zone
 * @returns {Promise<{ name: string, type: string, aliasTarget?: string }[]>}
 */
async function recordSets(endpoint, zone) {
  const id = await createHostedZone(endpoint, zone);
  const listed = await route53(endpoint, "GET", `hostedzone/${id}/rrset`);
  if (listed.status !== 200) throw new Error(`listing the records of ${zone} failed: ${listed.status} ${listed.body}`);
  return [...listed.body.matchAll(/<ResourceRecordSet>([\s\S]*?)<\/ResourceRecordSet>/g)].map((m) => {
    const alias = /<AliasTarget>([\s\S]*?)<\/AliasTarget>/.exec(m[1])?.[1];
    const target = alias === undefined ? undefined : xmlValue(alias, "DNSName")?.replace(/\.$/, "");
    return { name: (xmlValue(m[1], "Name") ?? "").replace(/\.$/, ""), type: xmlValue(m[1], "Type") ?? "", ...(target !== undefined && { aliasTarget: target }) };
  });
}

/**
 * The ARNs of the resources Shield protects.
 * @param {string} endpoint
 * @returns {Promise<string[]>}
 */
async function shieldProtectedArns(endpoint) {
  const listed = await awsCall(endpoint, "shield", "us-east-1", "{}", { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSShield_20160616.ListProtections" });
  if (listed.status !== 200) throw new Error(`listing Shield protections failed: ${listed.status} ${listed.body}`);
  return JSON.parse(listed.body).Protections.map((/** @type {{ ResourceArn: string }} */ p) => p.ResourceArn);
}

const LOAD_BALANCER_TYPE = /** @type {const} */ ({ alb: "application", nlb: "network" });

/**
 * What `made` holds for `key`, or what `create` makes, once: callers seeding at the same time wait for
 * the first one's creation instead of racing it (a lookup or a zone by name must find exactly one).
 * @param {Map<string, string | Promise<string>>} made @param {string} key @param {() => Promise<string>} create
 */
async function once(made, key, create) {
  let pending = made.get(key);
  if (pending === undefined) {
    pending = create();
    made.set(key, pending);
  }
  const value = await pending;
  made.set(key, value);
  return value;
}

/**
 * Creates what a stack's plan reads: its state bucket (and legacy lock table), the load balancers its
 * lookups find by name, each in its own region, and the hosted zone its DNS names are in, when given by
 * name. Idempotent for the bucket and table; load balancers and zones are created once per `made` (several
 * stacks may look up one, also while seeding at the same time). Resolves this stack's load balancers and zone.
 * @param {string} endpoint
 * @param {import("../../src/model/model").StackModel} stack
 * @param {Map<string, string | Promise<string>>} made  `<region>/<name>` -> load balancer ARN, `zone:<name>` -> zone ID; shared between calls
 * @returns {Promise<{ loadBalancers: { region: string, name: string, type: "alb" | "nlb", arn: string }[], zone?: { name: string, id: string } }>}
 */
async function seedStack(endpoint, stack, made = new Map()) {
  const { bucket, region, dynamodbTable } = stack.backend;
  await createStateBucket(endpoint, bucket, region);
  if (dynamodbTable !== undefined) await createLockTable(endpoint, region, dynamodbTable);
  const created = [];
  for (const lookup of stack.lookups) {
    const arn = await once(made, `${lookup.region}/${lookup.name}`, () => createLoadBalancer(endpoint, lookup.region, lookup.name, LOAD_BALANCER_TYPE[lookup.type]));
    created.push({ ...lookup, arn });
  }
  const zone = stack.dns?.zone;
  if (zone === undefined) return { loadBalancers: created };
  return { loadBalancers: created, zone: { name: zone, id: await once(made, `zone:${zone}`, () => createHostedZone(endpoint, zone)) } };
}

module.exports = { seedStack, createLoadBalancer, loadBalancerArn, createLockTable, createKmsKey, createHostedZone, recordSets, shieldProtectedArns, awsCall };
