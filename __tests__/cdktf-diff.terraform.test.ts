// `cdktf diff`, the cdktf CLI's plan, against the S3 backend on a local S3 API: cdktf runs terraform init
// with no -backend-config of its own, so the local endpoint comes in through TF_CLI_ARGS_init (Terraform's
// documented way) and the provider's through AWS_ENDPOINT_URL; the provider from the mirror, and
// --skip-provider-lock since the registry is out of reach.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { backendConfig } from "../src/local-aws/terraform-overrides";
import { env, objectVersions, startS3Server } from "./support/local-aws";
import { ROOT } from "./support/run";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createStateBucket } = require("../scripts/lib/moto-server");

const BUCKET = "smart-routing-terraform-state";
const KEY = "smart-routing/smart-routing.tfstate";

let server: { endpoint: string; stop: () => Promise<void> };
beforeAll(async () => {
  server = await startS3Server({ ...process.env, SMART_ROUTING_S3_ENDPOINT: undefined });
  await createStateBucket(server.endpoint, BUCKET, "us-west-2");
});
afterAll(async () => server?.stop());

describe("cdktf diff", () => {
  it("plans the default stack through the S3 backend with its S3-native lock", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smart-routing-cdktf-diff-"));
    const backend = join(dir, "local.tfbackend");
    writeFileSync(backend, backendConfig(server.endpoint));
    const run = spawnSync(join(ROOT, "node_modules", ".bin", "cdktf"), ["diff", "smart-routing", "--skip-provider-lock", "--no-color", "--output", join(dir, "cdktf.out")], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...env,
        SMART_ROUTING_CONFIG: undefined,
        CDKTF_OUTDIR: undefined,
        TF_CLI_ARGS_init: `-backend-config=${backend}`,
        AWS_ENDPOINT_URL: server.endpoint,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_PROFILE: undefined,
        AWS_EC2_METADATA_DISABLED: "true",
      },
    });
    expect(run.stderr).not.toMatch(/\[ERROR\][^\n]*(Error|error:)/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
    // The plan held the state lock in the bucket: a lock version and its delete marker remain.
    const locks = (await objectVersions(server.endpoint, BUCKET, `${KEY}.tflock`)).filter((v) => v.key === `${KEY}.tflock`);
    expect(locks.some((v) => !v.deleteMarker)).toBe(true);
    expect(locks.some((v) => v.deleteMarker)).toBe(true);
  });
});
