// Every AWS call a Terraform run makes to moto, recorded on the wire: a small HTTP proxy on loopback that
// Terraform's S3 backend and the provider are pointed at, which forwards each request to moto unchanged
// and keeps what IAM decides on (service and region from the SigV4 scope, the operation, the request
// and the answer's headers). TF_LOG=DEBUG logs each call as well (an "HTTP Request Sent" line with
// rpc.service, rpc.method, aws.region, the URL, the headers and a multi-line body, and a separate
// "HTTP Response Received" line with the status), but those are aws-sdk-go-base's log attributes, no
// contract, and the upgrades this recording must catch are the ones that could change them; the wire
// is the request itself, one record per call, status included.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface WireCall {
  /** The SigV4 signing service (s3, dynamodb, sts, elasticloadbalancing, ec2, kms, iam, ...). */
  readonly service: string;
  readonly region: string;
  /** The API operation: X-Amz-Target's, the Query protocol's Action, or the Route 53 or S3 REST operation. */
  readonly operation: string;
  readonly method: string;
  /** The path as sent (path-style S3: /bucket/key), without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly status: number;
  /** Answer headers, lower-case names. */
  readonly responseHeaders: Readonly<Record<string, string>>;
  /** The answer's body (what a call's created resource is named by: a Shield protection's ID, a Route 53 change's). */
  readonly responseBody: string;
}

export interface AwsRecorder {
  /** http://127.0.0.1:<port>, to use as every endpoint moto would be. */
  readonly endpoint: string;
  /** Every call so far, oldest first. */
  calls(): WireCall[];
  stop(): Promise<void>;
}

const SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** The SigV4 credential scope of a request: its region and service; undefined when unsigned. */
export function signingScope(authorization: string | undefined): { region: string; service: string } | undefined {
  const scope = SCOPE.exec(authorization ?? "");
  return scope === null ? undefined : { region: scope[1], service: scope[2] };
}

// Route 53 is REST-XML: the method and the path name the operation (Route 53 API reference, version
// 2013-04-01; botocore's route53 service model has the same method and request URI per operation). Only the
// hosted-zone, record, change and tag operations: any other Route 53 request is unmapped, naming its path.
const ROUTE53: readonly (readonly [method: string, path: RegExp, operation: string])[] = [
  ["GET", /^\/2013-04-01\/hostedzone$/, "ListHostedZones"],
  ["POST", /^\/2013-04-01\/hostedzone$/, "CreateHostedZone"],
  ["GET", /^\/2013-04-01\/hostedzonesbyname$/, "ListHostedZonesByName"],
  ["GET", /^\/2013-04-01\/hostedzonecount$/, "GetHostedZoneCount"],
  ["GET", /^\/2013-04-01\/hostedzone\/[^/]+$/, "GetHostedZone"],
  ["POST", /^\/2013-04-01\/hostedzone\/[^/]+$/, "UpdateHostedZoneComment"],
  ["DELETE", /^\/2013-04-01\/hostedzone\/[^/]+$/, "DeleteHostedZone"],
  ["GET", /^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/, "ListResourceRecordSets"],
  ["POST", /^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/, "ChangeResourceRecordSets"],
  ["GET", /^\/2013-04-01\/hostedzone\/[^/]+\/dnssec$/, "GetDNSSEC"],
  ["GET", /^\/2013-04-01\/change\/[^/]+$/, "GetChange"],
  ["GET", /^\/2013-04-01\/tags\/[^/]+\/[^/]+$/, "ListTagsForResource"],
  ["POST", /^\/2013-04-01\/tags\/[^/]+\/[^/]+$/, "ChangeTagsForResource"],
  ["POST", /^\/2013-04-01\/tags\/[^/]+$/, "ListTagsForResources"],
];

// S3 sub-resources that name an operation of their own (GET /bucket?versioning is GetBucketVersioning).
const S3_SUBRESOURCES = ["acl", "cors", "encryption", "lifecycle", "location", "logging", "policy", "tagging", "uploads", "versioning", "versions", "website"];

/**
 * The operation a request calls: X-Amz-Target for the JSON protocols (DynamoDB, KMS, Shield), Action for the
 * Query protocol (STS, EC2, ELBv2, IAM), and for Route 53 and S3 the REST operation their method, path
 * (and S3's query) make. Throws on a request it cannot name, so a call nobody mapped cannot pass unnoticed.
 */
export function operationOf(service: string, method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: string): string {
  const target = headers["x-amz-target"];
  if (target !== undefined) return target.slice(target.lastIndexOf(".") + 1);
  if (service === "route53") {
    const found = ROUTE53.find(([m, p]) => m === method && p.test(path));
    if (found === undefined) throw new Error(`a Route 53 request nobody mapped: ${method} ${path}`);
    return found[2];
  }
  if (service !== "s3") {
    const action = new URLSearchParams(body).get("Action") ?? query.Action;
    if (action) return action;
    throw new Error(`no operation in a ${service} request: ${method} ${path} ${body.slice(0, 200)}`);
  }
  const [bucket, ...key] = path.replace(/^\//, "").split("/");
  const sub = S3_SUBRESOURCES.find((s) => s in query);
  if (bucket === "") throw new Error(`an S3 request without a bucket: ${method} ${path}`);
  if (key.length === 0 || key.join("/") === "") {
    if (sub !== undefined) throw new Error(`an S3 bucket sub-resource nobody mapped: ${method} ${path}?${sub}`);
    if (method === "GET") return query["list-type"] === "2" ? "ListObjectsV2" : "ListObjects";
    if (method === "HEAD") return "HeadBucket";
    throw new Error(`an S3 bucket request nobody mapped: ${method} ${path}`);
  }
  if (sub !== undefined) throw new Error(`an S3 object sub-resource nobody mapped: ${method} ${path}?${sub}`);
  switch (method) {
    case "GET":
      return "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      return headers["x-amz-copy-source"] !== undefined ? "CopyObject" : "PutObject";
    case "DELETE":
      return "DeleteObject";
    default:
      throw new Error(`an S3 object request nobody mapped: ${method} ${path}`);
  }
}

/** operationOf, or what it could not name as `unmapped: <why>` (an error here would stop the proxy, not the test). */
function nameOf(...args: Parameters<typeof operationOf>): string {
  try {
    return operationOf(...args);
  } catch (err) {
    return `unmapped: ${(err as Error).message}`;
  }
}

function lowerCaseHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(", ") : String(value ?? "")]));
}

/** Starts the recording proxy in front of `target` (moto's endpoint) on a free loopback port. */
export async function startAwsRecorder(target: string): Promise<AwsRecorder> {
  const recorded: WireCall[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://recorder");
      const headers = lowerCaseHeaders(req.headers);
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on("data", (c: Buffer) => answerChunks.push(c));
          answer.on("end", () => {
            const scope = signingScope(headers.authorization);
            const query = Object.fromEntries(url.searchParams);
            const text = body.toString("utf8");
            const path = decodeURIComponent(url.pathname);
            recorded.push({
              service: scope?.service ?? "unsigned",
              region: scope?.region ?? "",
              operation: nameOf(scope?.service ?? "unsigned", req.method ?? "", path, query, headers, text),
              method: req.method ?? "",
              path,
              query,
              headers,
              body: text,
              status: answer.statusCode ?? 0,
              responseHeaders: lowerCaseHeaders(answer.headers),
              responseBody: Buffer.concat(answerChunks).toString("utf8"),
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(answerChunks));
          });
        },
      );
      forward.on("error", (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: () => [...recorded],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
