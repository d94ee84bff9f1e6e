// The files a local rehearsal writes beside an unchanged cdk.tf.json: every provider, default and
// aliased, pointed at the local servers with fake keys; the backend at the local S3 API.
import { BACKEND_CONFIG_FILE, backendConfig, localEndpointEnvironment, localRehearsalFiles, OVERRIDE_FILE, providerKeysOverride, providerOverride } from "../src/local-aws/terraform-overrides";

const STACK = { provider: { aws: [{}, { alias: "us-east-1" }, { alias: "eu-west-1" }] } };
const LOCAL = "http://127.0.0.1:5000";

describe("providerOverride", () => {
  it("gives the default and every aliased provider fake keys and the local endpoint for every service", () => {
    const { provider } = providerOverride(STACK, LOCAL);
    expect(provider.aws.map((p) => ("alias" in p ? p.alias : "default"))).toEqual(["default", "us-east-1", "eu-west-1"]);
    for (const p of provider.aws) {
      expect(p).toMatchObject({ access_key: "test", secret_key: "test", skip_metadata_api_check: true });
      expect(Object.values(p.endpoints[0]).every((e) => e === LOCAL)).toBe(true);
      expect(Object.keys(p.endpoints[0])).toEqual(expect.arrayContaining(["s3", "sts", "elbv2", "ec2", "globalaccelerator"]));
    }
  });

  it("sends the services named to their own servers and the rest to the local endpoint", () => {
    const { provider } = providerOverride(STACK, LOCAL, { globalaccelerator: "http://127.0.0.1:6000" });
    for (const p of provider.aws) expect(p.endpoints[0]).toMatchObject({ globalaccelerator: "http://127.0.0.1:6000", s3: LOCAL, elbv2: LOCAL });
  });
});

describe("backendConfig", () => {
  it("points S3 (and the lock table, STS and IAM) at the local API with path-style addressing, skip flags and fake keys", () => {
    expect(backendConfig(LOCAL).split("\n")).toEqual([
      `endpoints = { s3 = "${LOCAL}", dynamodb = "${LOCAL}", sts = "${LOCAL}", iam = "${LOCAL}" }`,
      "use_path_style = true",
      "skip_credentials_validation = true",
      "skip_requesting_account_id = true",
      "skip_metadata_api_check = true",
      'access_key = "test"',
      'secret_key = "test"',
    ]);
  });
});

describe("localRehearsalFiles", () => {
  it("are the override file (Terraform merges *_override.tf.json) and the backend-config file, nothing else", () => {
    const files = localRehearsalFiles(STACK, LOCAL);
    expect(Object.keys(files).sort()).toEqual([BACKEND_CONFIG_FILE, OVERRIDE_FILE].sort());
    expect(OVERRIDE_FILE).toMatch(/_override\.tf\.json$/);
    expect(JSON.parse(files[OVERRIDE_FILE])).toEqual(providerOverride(STACK, LOCAL));
    expect(files[BACKEND_CONFIG_FILE]).toBe(`${backendConfig(LOCAL)}\n`);
  });
});

describe("endpoints from the environment (an endpoints block costs the provider seconds per plan)", () => {
  it("leave the override file only the fake keys and the metadata skip, for every provider", () => {
    expect(providerKeysOverride(STACK)).toEqual({
      provider: {
        aws: [
          { access_key: "test", secret_key: "test", skip_metadata_api_check: true },
          { alias: "us-east-1", access_key: "test", secret_key: "test", skip_metadata_api_check: true },
          { alias: "eu-west-1", access_key: "test", secret_key: "test", skip_metadata_api_check: true },
        ],
      },
    });
    expect(JSON.parse(localRehearsalFiles(STACK, LOCAL, {}, "environment")[OVERRIDE_FILE])).toEqual(providerKeysOverride(STACK));
  });

  it("set AWS_ENDPOINT_URL for every service, AWS_ENDPOINT_URL_<SERVICE> for those sent elsewhere, and clear any other", () => {
    const env = localEndpointEnvironment({ PATH: "/bin", AWS_ENDPOINT_URL_S3: "https://s3.example", AWS_ENDPOINT_URL: "https://elsewhere" }, LOCAL, { globalaccelerator: "http://127.0.0.1:6000" });
    expect(env).toEqual({
      PATH: "/bin",
      AWS_ENDPOINT_URL: LOCAL,
      AWS_ENDPOINT_URL_S3: undefined,
      AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR: "http://127.0.0.1:6000",
      AWS_EC2_METADATA_DISABLED: "true",
    });
  });
});
