// Rehearsals against local AWS APIs run the synthesized cdk.tf.json unchanged: everything local (fake
// keys, skip flags, loopback endpoints) goes into a Terraform override file and a backend-config file
// beside it, which Terraform merges in, so the JSON users get never holds a test setting.

/** The override file's name: Terraform merges any `*_override.tf.json` into the configuration. */
export const OVERRIDE_FILE = "smart_routing_local_override.tf.json";
/** The backend's partial configuration, for `terraform init -backend-config=<file>`. */
export const BACKEND_CONFIG_FILE = "local-backend.tfbackend";

// Fake keys on purpose: with them, nothing here could ever act on a real account.
const FAKE_KEYS = { access_key: "test", secret_key: "test" } as const;

/** The provider services a stack's resources and data sources call. */
export const PROVIDER_SERVICES = ["dynamodb", "ec2", "elbv2", "globalaccelerator", "iam", "route53", "s3", "shield", "sts"] as const;
export type ProviderService = (typeof PROVIDER_SERVICES)[number];

interface StackProviders {
  readonly provider: { readonly aws: readonly { readonly alias?: string }[] };
}

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
 * (every service at `endpoint`, unless `services` sends one elsewhere) and the backend-config file.
 */
export function localRehearsalFiles(stack: StackProviders, endpoint: string, services: Partial<Record<ProviderService, string>> = {}): Record<string, string> {
  return {
    [OVERRIDE_FILE]: `${JSON.stringify(providerOverride(stack, endpoint, services), null, 2)}\n`,
    [BACKEND_CONFIG_FILE]: `${backendConfig(endpoint)}\n`,
  };
}
