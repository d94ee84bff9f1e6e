// The backend block of every stack holds only arguments Terraform 1.11's S3 backend supports, with
// S3-native locking and encryption on. Terraform itself does not check this: init silently ignores a key
// it removed (see state-faults.terraform.test.ts), e.g. the flat role_arn of before 1.10.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEFAULT_CONFIG } from "../src/config/default-config";
import { synthStacks, validConfig } from "./support/configs";

// internal/backend/remote-state/s3/backend.go at v1.11.0, less the deprecated dynamodb_endpoint,
// endpoint, iam_endpoint, sts_endpoint, force_path_style and shared_credentials_file.
const SUPPORTED = new Set([
  "bucket", "key", "region", "use_lockfile", "dynamodb_table", "encrypt", "kms_key_id", "sse_customer_key", "acl",
  "workspace_key_prefix", "access_key", "secret_key", "token", "profile", "shared_config_files", "shared_credentials_files",
  "assume_role", "assume_role_with_web_identity", "allowed_account_ids", "forbidden_account_ids",
  "skip_credentials_validation", "skip_region_validation", "skip_requesting_account_id", "skip_metadata_api_check",
  "skip_s3_checksum", "endpoints", "sts_region", "use_path_style", "custom_ca_bundle", "http_proxy", "https_proxy",
  "no_proxy", "insecure", "use_fips_endpoint", "use_dualstack_endpoint", "ec2_metadata_service_endpoint",
  "ec2_metadata_service_endpoint_mode", "max_retries", "retry_mode",
]);

const ROOT = join(__dirname, "..");
const configs: Array<[string, unknown]> = [
  ["the embedded default", DEFAULT_CONFIG],
  ["the test fixture with every backend option", (() => {
    const c = validConfig();
    Object.assign(c.stacks[0].backend, { key: "ga/prod.tfstate", kmsKeyId: "alias/state", dynamodbTable: "locks", encrypt: true });
    return c;
  })()],
  ...readdirSync(join(ROOT, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f): [string, unknown] => [`examples/${f}`, parse(readFileSync(join(ROOT, "examples", f), "utf8"))]),
];

describe.each(configs)("the backend of every stack of %s", (_name, config) => {
  const backends = Object.entries(synthStacks(config)).map(([stack, json]) => [stack, JSON.parse(json).terraform.backend.s3]);

  it("uses only arguments Terraform 1.11 supports (none removed or deprecated)", () => {
    for (const [stack, backend] of backends) {
      expect({ stack, unsupported: Object.keys(backend).filter((k) => !SUPPORTED.has(k)) }).toEqual({ stack, unsupported: [] });
    }
  });

  it("has S3-native locking and encryption on", () => {
    for (const [, backend] of backends) expect(backend).toMatchObject({ use_lockfile: true, encrypt: true });
  });
});
