// Rehearsals against local AWS APIs run the synthesized cdk.tf.json unchanged: everything local (fake
// keys, skip flags, loopback endpoints) goes into a Terraform override file and a backend-config file
// beside it, which Terraform merges in, so the JSON users get never holds a test setting. The providers'
// endpoints may come from the environment instead (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>): an
// `endpoints` block costs the AWS provider about 3 s of its own work per configured provider on every
// plan (measured with terraform 1.11.4 and hashicorp/aws 5.100.0), the environment nothing.

/** The override file's name: Terraform merges any `*_override.tf.json` into the configuration. */
export const OVERRIDE_FILE = "smart_routing_local_override.tf.json";
/** The backend's partial configuration, for `terraform init -backend-config=<file>`. */
export const BACKEND_CONFIG_FILE = "local-backend.tfbackend";

// Fake keys on purpose: with them, nothing here could ever act on a real account.
const FAKE_KEYS = { access_key: "test", secret_key: "test" } as const;

/** The provider services a stack's resources and data sources call. */
export const PROVIDER_SERVICES = ["dynamodb", "ec2", "elbv2", "globalaccelerator", "iam", "route53", "s3", "shield", "ssm", "sts"] as const;
export type ProviderService = (typeof PROVIDER_SERVICES)[number];

interface StackProviders {
  readonly provider: { readonly aws: readonly { readonly alias?: string }[] };
}

/** Where the providers' endpoints are set: an `endpoints` block in the override file, or the environment. */
export type EndpointsIn = "file" | "environment";

/**
 * Every provider of the stack (default and aliased) pointed at local servers with fake keys: `endpoint`
 * for every service, except those `services` sends elsewhere (the Global Accelerator API, say).
 */
export function providerOverride(stack: StackProviders, endpoint: string, services: Partial<Record<ProviderService, string>> = {}) {
  const endpoints = [Object.fromEntries(PROVIDER_SERVICES.map((s) => [s, services[s] ?? endpoint]))];
  const providers = stack.provider.aws.map((p) => ({
    ...(p.alias !== undefined && { alias: p.alias }),
    ...FAKE_KEYS,
    skip_metadata_api_check: true,
    endpoints,
  }));
  return { provider: { aws: providers } };
}

/** Every provider of the stack with fake keys only, for endpoints from the environment (localEndpointEnvironment). */
export function providerKeysOverride(stack: StackProviders) {
  return { provider: { aws: providerOverride(stack, "").provider.aws.map(({ endpoints: _endpoints, ...keys }) => keys) } };
}

/** The AWS SDK's variable for a service's endpoint (AWS_ENDPOINT_URL_<service ID>), which the provider reads. */
const ENDPOINT_VARIABLE: Record<ProviderService, string> = {
  dynamodb: "AWS_ENDPOINT_URL_DYNAMODB",
  ec2: "AWS_ENDPOINT_URL_EC2",
  elbv2: "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
  globalaccelerator: "AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR",
  iam: "AWS_ENDPOINT_URL_IAM",
  route53: "AWS_ENDPOINT_URL_ROUTE_53",
  s3: "AWS_ENDPOINT_URL_S3",
  shield: "AWS_ENDPOINT_URL_SHIELD",
  ssm: "AWS_ENDPOINT_URL_SSM",
  sts: "AWS_ENDPOINT_URL_STS",
};

/**
 * The environment that points every provider at local servers, for files written with endpointsIn
 * "environment": AWS_ENDPOINT_URL for every service, AWS_ENDPOINT_URL_<SERVICE> for those `services` sends
 * elsewhere; every other AWS_ENDPOINT_URL_* of `env` is cleared, so none can send a call somewhere else.
 */
export function localEndpointEnvironment(env: NodeJS.ProcessEnv, endpoint: string, services: Partial<Record<ProviderService, string>> = {}): NodeJS.ProcessEnv {
  const cleared = Object.fromEntries(Object.keys(env).filter((k) => k.startsWith("AWS_ENDPOINT_URL")).map((k) => [k, undefined]));
  const named = Object.entries(services).map(([service, url]) => [ENDPOINT_VARIABLE[service as ProviderService], url]);
  return { ...env, ...cleared, AWS_ENDPOINT_URL: endpoint, AWS_EC2_METADATA_DISABLED: "true", ...Object.fromEntries(named) };
}

/** The backend's partial configuration (a -backend-config file): the local S3 API and its quirks. */
export function backendConfig(endpoint: string): string {
  return [
    `endpoints = { s3 = "${endpoint}", dynamodb = "${endpoint}", sts = "${endpoint}", iam = "${endpoint}" }`,
    "use_path_style = true", // a loopback server has no per-bucket host names
    "skip_credentials_validation = true",
    "skip_requesting_account_id = true",
    "skip_metadata_api_check = true",
    `access_key = "${FAKE_KEYS.access_key}"`,
    `secret_key = "${FAKE_KEYS.secret_key}"`,
  ].join("\n");
}

/**
 * The files to write beside a copy of a stack's cdk.tf.json for a local rehearsal: the provider override
 * (every service at `endpoint`, unless `services` sends one elsewhere, or endpointsIn "environment") and
 * the backend-config file.
 */
export function localRehearsalFiles(stack: StackProviders, endpoint: string, services: Partial<Record<ProviderService, string>> = {}, endpointsIn: EndpointsIn = "file"): Record<string, string> {
  return {
    [OVERRIDE_FILE]: `${JSON.stringify(endpointsIn === "file" ? providerOverride(stack, endpoint, services) : providerKeysOverride(stack), null, 2)}\n`,
    [BACKEND_CONFIG_FILE]: `${backendConfig(endpoint)}\n`,
  };
}
