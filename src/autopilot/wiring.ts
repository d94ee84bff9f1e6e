// The command's real I/O: each stack's adapters on the AWS SDK (endpoints and credentials from the usual
// environment), the Prometheus reader (the config's URL or SMART_ROUTING_PROMETHEUS_URL), the control
// law, the wall clock and a sleep a stop request cuts short. Clients are made once per process and stack.
import type { StackModel } from "../model/model";
import { GlobalAcceleratorDialApi, S3StateStore, SsmPublishedReader, type AwsClientOptions } from "./aws";
import type { CommandContext } from "./command";
import { clampDecisions, decide, resetDecisions } from "./decide";
import { acquireOrRenew, leaseTtlSeconds, pause, release, resume } from "./lease";
import { readerForStack } from "./prometheus";
import { intervalOf, realSleep } from "./runner";
import type { LeaseKeeper, TickAdapters } from "./tick";

/**
 * A client's options from `env` (the process's environment, or a test's): the service's endpoint
 * (AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL) and keys given there; else the SDK's own chain.
 */
export function clientOptions(env: NodeJS.ProcessEnv, service: "GLOBAL_ACCELERATOR" | "S3" | "SSM"): AwsClientOptions {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  return {
    env,
    ...(endpoint !== undefined && { endpoint }),
    ...(accessKeyId && secretAccessKey && { credentials: { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) } }),
  };
}

/** Every stack's adapters, made on first use. */
export function adapterFactory(env: NodeJS.ProcessEnv): (stack: StackModel) => TickAdapters {
  const dials = new GlobalAcceleratorDialApi(clientOptions(env, "GLOBAL_ACCELERATOR"));
  const published = new SsmPublishedReader(clientOptions(env, "SSM"));
  const made = new Map<string, TickAdapters>();
  return (stack) => {
    const known = made.get(stack.name);
    if (known !== undefined) return known;
    // The state object lives in the stack's own backend bucket, beside its Terraform state.
    const state = new S3StateStore(() => ({ bucket: stack.backend.bucket, region: stack.backend.region }), clientOptions(env, "S3"));
    const lease: LeaseKeeper = {
      claim: async (name, holder, now) => {
        const status = await acquireOrRenew(state, name, holder, now, leaseTtlSeconds(intervalOf(stack)));
        return { state: status.state, etag: status.etag, ...(status.holder !== undefined && { holder: status.holder }) };
      },
      release: async (name, holder) => {
        await release(state, name, holder);
      },
    };
    const signals = stack.autopilot === undefined ? undefined : readerForStack(stack, env);
    const adapters: TickAdapters = { published, state, lease, dials, ...(signals !== undefined && { signals }), law: { decide, clamp: clampDecisions, reset: resetDecisions } };
    made.set(stack.name, adapters);
    return adapters;
  };
}

/** The command's context; `now` replaces the clock (--at), `sleep` the wait (tests). */
export function commandContext(env: NodeJS.ProcessEnv, io: Pick<CommandContext, "stop" | "stdout" | "stderr"> & Partial<Pick<CommandContext, "now" | "sleep">>): CommandContext {
  return {
    adaptersFor: adapterFactory(env),
    now: () => Date.now() / 1000,
    sleep: realSleep,
    pauses: {
      pause: async (store, stack, group, reason, by, now) => {
        await pause(store, stack, group, by, reason, now);
      },
      resume: async (store, stack, group) => (await resume(store, stack, group)).written,
    },
    ...io,
  };
}
