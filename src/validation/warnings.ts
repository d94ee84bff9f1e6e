// Configs that Global Accelerator accepts but that probably do not do what
// their author meant. They are printed as warnings; SMART_ROUTING_STRICT=1
// makes them errors. Each is exported by name: src/docs/rule-docs.ts documents it under that name.
import { checkedByGlobalAccelerator, MODEL_SERVERS, type ModelServerPreset } from "../config/model-servers";
import { DEFAULT_ACCELERATORS_PER_ACCOUNT } from "../config/limits";
import type { EndpointGroupConfig, RoutingConfig, StackConfig } from "../config/types";
import type { Finding } from "./rules";

type Warning = (stack: StackConfig) => Finding[];

// Without flow logs there is no record of which client reached which endpoint.
export const flowLogsOff: Warning = (stack) =>
  stack.accelerator.flowLogs === undefined
    ? [{ path: ["accelerator", "flowLogs"], message: "flow logs are off; set flowLogs: { bucket } to record traffic (the log files go under a folder named like the stack unless you give a prefix), or flowLogs: false to silence this warning" }]
    : [];

// A dial of 0 everywhere leaves only failover traffic, which ignores dials.
export const allDialsZero: Warning = (stack) =>
  stack.listeners.flatMap((listener, li) =>
    listener.endpointGroups.every((g) => g.trafficDialPercentage === 0)
      ? [{ path: ["listeners", li, "endpointGroups"], message: "every endpoint group has trafficDialPercentage 0; the listener only serves failover traffic" }]
      : [],
  );

// Weight 0 means no traffic even when healthy.
export const allWeightsZero: Warning = (stack) =>
  stack.listeners.flatMap((listener, li) =>
    listener.endpointGroups.flatMap((group, g) =>
      group.endpoints.every((ep) => ep.weight === 0)
        ? [{ path: ["listeners", li, "endpointGroups", g, "endpoints"], message: "every endpoint has weight 0; this group sends no traffic to any of them" }]
        : [],
    ),
  );

// Global Accelerator uses a load balancer's own health checks, not the group's.
export const healthCheckIgnored: Warning = (stack) =>
  stack.listeners.flatMap((listener, li) =>
    listener.endpointGroups.flatMap((group, g) =>
      group.healthCheck !== undefined && group.endpoints.every((ep) => ep.type === "alb" || ep.type === "nlb")
        ? [{ path: ["listeners", li, "endpointGroups", g, "healthCheck"], message: "is ignored: this group has only load balancer endpoints, which Global Accelerator checks with the load balancer's own health checks" }]
        : [],
    ),
  );

/** A finding at the `modelServer` of every group with one for which `message` returns text. */
function onModelServers(stack: StackConfig, message: (preset: ModelServerPreset, group: EndpointGroupConfig) => string | undefined): Finding[] {
  return stack.listeners.flatMap((listener, li) =>
    listener.endpointGroups.flatMap((group, g) => {
      const text = group.modelServer === undefined ? undefined : message(MODEL_SERVERS[group.modelServer], group);
      return text === undefined ? [] : [{ path: ["listeners", li, "endpointGroups", g, "modelServer"], message: text }];
    }),
  );
}

// Load balancers are checked by their target groups, so a preset there must go on the target group.
export const modelServerOnLoadBalancers: Warning = (stack) =>
  onModelServers(stack, (preset, group) =>
    checkedByGlobalAccelerator(group.endpoints)
      ? undefined
      : `changes nothing here: this group has only load balancer endpoints, which Global Accelerator checks with their target groups' health checks; set the target group's health check to ${preset.protocol} ${preset.path} on port ${preset.port} instead`,
  );

// A readiness check that passes before a model is loaded sends clients to a server that cannot answer yet.
export const weakModelServerCheck: Warning = (stack) =>
  onModelServers(stack, (preset, group) =>
    preset.weakCheck === undefined ? undefined : `${group.modelServer}'s readiness check proves only that the process is up: ${preset.weakCheck}`,
  );

// The stack's autopilot block steers only the groups that have their own: without one it does nothing.
export const autopilotWithoutSteeredGroup: Warning = (stack) =>
  stack.autopilot !== undefined && !stack.listeners.some((l) => l.endpointGroups.some((g) => g.autopilot !== undefined))
    ? [{ path: ["autopilot"], message: "steers nothing: no endpoint group of this stack has an autopilot block (signal and watermarks); add one to each group to steer, or remove this block" }]
    : [];

const WARNINGS: readonly Warning[] = [flowLogsOff, allDialsZero, allWeightsZero, healthCheckIgnored, modelServerOnLoadBalancers, weakModelServerCheck, autopilotWithoutSteeredGroup];

// AWS's default quota is 20 standard accelerators per account; the 21st CreateAccelerator is refused
// (LimitExceededException), half-way through a rollout of the config's stacks. A warning, not an error: the
// quota is adjustable (Service Quotas), and accelerators made outside this config count too, so the config
// can neither prove nor rule out the failure. Stacks are counted in each account they may deploy to: those
// their allowedAccountIds names, and, for a stack that names none, any account at all.
export const acceleratorsPerAccount = (config: RoutingConfig): Finding[] => {
  const named = [...new Set(config.stacks.flatMap((stack) => stack.allowedAccountIds ?? []))];
  const mayDeployTo = (account: string | undefined) =>
    config.stacks.flatMap((stack, s) => {
      // A stack that names no account may deploy to any. account is undefined only when no stack names one
      // (allowedAccountIds, when given, lists at least one), so then every stack's list is [undefined].
      const accounts: readonly (string | undefined)[] = stack.allowedAccountIds ?? [account];
      return accounts.includes(account) ? [s] : [];
    });
  const where = (account: string | undefined) =>
    account === undefined ? "one account (no stack names its account in allowedAccountIds)" : `account ${account} (stacks that name it in allowedAccountIds, or name no account)`;
  return (named.length > 0 ? named : [undefined]).flatMap((account) => {
    const stacks = mayDeployTo(account);
    return stacks.length <= DEFAULT_ACCELERATORS_PER_ACCOUNT
      ? []
      : [{
          path: ["stacks", stacks[DEFAULT_ACCELERATORS_PER_ACCOUNT]],
          message: `is stack number ${DEFAULT_ACCELERATORS_PER_ACCOUNT + 1} of ${stacks.length} that may create an accelerator in ${where(account)}; AWS's default quota is ${DEFAULT_ACCELERATORS_PER_ACCOUNT} accelerators per account: ask for more in Service Quotas first, or give the stacks accounts of their own with allowedAccountIds`,
        }];
  });
};

/** Every warning for a valid config, with paths from the config's root. */
export function configWarnings(config: RoutingConfig): Finding[] {
  return [
    ...config.stacks.flatMap((stack, s) => WARNINGS.flatMap((warning) => warning(stack).map((w) => ({ ...w, path: ["stacks", s, ...w.path] })))),
    ...acceleratorsPerAccount(config),
  ];
}
