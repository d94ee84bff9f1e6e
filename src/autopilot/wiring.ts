// The command's real I/O: each stack's adapters on the AWS SDK (endpoints and credentials from the usual
// environment), the Prometheus reader (the config's URL or SMART_ROUTING_PROMETHEUS_URL), the control
// law, the wall clock and a sleep a stop request cuts short.
import type { StackModel } from "../model/model";
import type { CommandContext } from "./command";
import { clampDecisions, decide, resetDecisions } from "./decide";
import { readerForStack } from "./prometheus";
import { realSleep } from "./runner";
import type { TickAdapters } from "./tick";

/** Not wired yet: the other parts of the autopilot land on their own branches. */
function pending(what: string): never {
  throw new Error(`${what} is not wired into npm run autopilot yet`);
}

export function adaptersFor(stack: StackModel, env: NodeJS.ProcessEnv): TickAdapters {
  const signals = stack.autopilot === undefined ? undefined : readerForStack(stack, env);
  return {
    published: { read: async () => pending("the SSM parameter reader") },
    state: { read: async () => pending("the S3 state store"), write: async () => pending("the S3 state store") },
    lease: { claim: async () => pending("the lease") },
    dials: { acceleratorStatus: async () => pending("the Global Accelerator API"), describeGroup: async () => pending("the Global Accelerator API"), setDial: async () => pending("the Global Accelerator API") },
    ...(signals !== undefined && { signals }),
    law: { decide, clamp: clampDecisions, reset: resetDecisions },
  };
}

/** The command's context; `now` replaces the clock (--at). */
export function commandContext(env: NodeJS.ProcessEnv, io: Pick<CommandContext, "stop" | "stdout" | "stderr"> & { readonly now?: () => number }): CommandContext {
  return { adaptersFor: (stack) => adaptersFor(stack, env), now: () => Date.now() / 1000, sleep: realSleep, ...io };
}
