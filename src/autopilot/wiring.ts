// The command's real I/O: each stack's adapters on the AWS SDK (endpoints and credentials from the usual
// environment), the Prometheus reader (the config's URL or SMART_ROUTING_PROMETHEUS_URL), the control
// law, the wall clock and a sleep a stop request cuts short. Clients are made once per process and stack.
import type { StackModel } from "../model/model";
import { GlobalAcceleratorDialApi, S3StateStore, SsmPublishedReader } from "./aws";
import type { CommandContext } from "./command";
import { clampDecisions, decide, resetDecisions } from "./decide";
import { readerForStack } from "./prometheus";
import { realSleep } from "./runner";
import type { LeaseKeeper, TickAdapters } from "./tick";

/** Not wired yet: the lease lands on its own branch. */
function pending(what: string): never {
  throw new Error(`${what} is not wired into npm run autopilot yet`);
}

/** Every stack's adapters, made on first use. */
export function adapterFactory(env: NodeJS.ProcessEnv): (stack: StackModel) => TickAdapters {
  const dials = new GlobalAcceleratorDialApi({ env });
  const published = new SsmPublishedReader({ env });
  const made = new Map<string, TickAdapters>();
  return (stack) => {
    const known = made.get(stack.name);
    if (known !== undefined) return known;
    // The state object lives in the stack's own backend bucket, beside its Terraform state.
    const state = new S3StateStore(() => ({ bucket: stack.backend.bucket, region: stack.backend.region }), { env });
    const lease: LeaseKeeper = { claim: async () => pending("the lease") };
    const signals = stack.autopilot === undefined ? undefined : readerForStack(stack, env);
    const adapters: TickAdapters = { published, state, lease, dials, ...(signals !== undefined && { signals }), law: { decide, clamp: clampDecisions, reset: resetDecisions } };
    made.set(stack.name, adapters);
    return adapters;
  };
}

/** The command's context; `now` replaces the clock (--at). */
export function commandContext(env: NodeJS.ProcessEnv, io: Pick<CommandContext, "stop" | "stdout" | "stderr"> & { readonly now?: () => number }): CommandContext {
  return { adaptersFor: adapterFactory(env), now: () => Date.now() / 1000, sleep: realSleep, ...io };
}
