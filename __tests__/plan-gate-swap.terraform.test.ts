// Changes whose final config is valid but that no single apply reaches, proved with the real provider against
// the local Global Accelerator API before the plan gate is trusted to refuse them: two listeners that swap
// port ranges, two groups that swap endpoint ports, a listener renamed without renamedFrom (the new one takes
// the old one's port while the old one still has groups to delete), and a switch to DUAL_STACK that drops the
// Elastic IP endpoints in the same apply. Each: deployed, the change planned, the gate refuses it naming the
// two-step recipe, and applying the plan anyway fails half-way with the API's refusal. Then the swap is
// applied the way the gate says (both listeners to free ports first), and the gate passes each step.
// Each case is its own stack with its own Global Accelerator API; they run at once against one moto.
import { readPlan } from "../src/plan-gate/plan-json";
import { passed, reviewPlan, type Review } from "../src/plan-gate/review";
import { defaultConfigNamed, prepare, startLocalAws, terraform, type Deployment, type LocalAws } from "./support/deploy";

// Real applies on a busy 2-core machine: minutes, not the default three.
jest.setTimeout(900_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Stack = any;
const EIP = (n: number) => `eipalloc-0a1b2c3d4e5f6${String(n).padStart(4, "0")}`;

let moto: LocalAws;
beforeAll(async () => {
  moto = await startLocalAws(0);
});
afterAll(async () => moto?.stop());

/** A stack of the default shape under `name`, changed by `change`; its own GA API. */
class Case {
  private deployment: Deployment | undefined;
  constructor(
    readonly aws: LocalAws,
    readonly name: string,
  ) {}

  /** Synthesizes the config into the case's folder (the same one each time, as a user does). */
  async prepare(change: (stack: Stack) => void): Promise<Deployment> {
    this.deployment = await prepare(this.aws, defaultConfigNamed(this.name, change), this.name, this.deployment?.outdir);
    return this.deployment;
  }

  async apply(change: (stack: Stack) => void): Promise<void> {
    const first = this.deployment === undefined;
    const d = await this.prepare(change);
    if (first) await must(d, ["init", "-input=false", "-no-color"]);
    await must(d, ["apply", "-auto-approve", "-input=false", "-no-color"]);
  }

  /** Plans the change into tfplan and reviews it as the gate does, with the stack's allowDestroy. */
  async plan(change: (stack: Stack) => void): Promise<Review> {
    const d = await this.prepare(change);
    await must(d, ["plan", "-input=false", "-no-color", "-out=tfplan"]);
    const shown = await must(d, ["show", "-json", "-no-color", "tfplan"]);
    return reviewPlan(readPlan(shown, "tfplan"), { allowDestroy: d.model.allowDestroy });
  }

  /** Applies the plan file; returns terraform's output. */
  async applyPlan(): Promise<{ status: number | null; output: string }> {
    const result = await terraform(this.deployment!, ["apply", "-input=false", "-no-color", "tfplan"]);
    return { status: result.status, output: result.stdout + result.stderr };
  }

  async planIsEmpty(): Promise<boolean> {
    return (await terraform(this.deployment!, ["plan", "-detailed-exitcode", "-input=false", "-no-color"])).status === 0;
  }
}

async function must(d: Deployment, args: string[]): Promise<string> {
  const result = await terraform(d, args);
  if (result.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function newCase(name: string): Promise<Case> {
  return new Case(await startLocalAws(0, moto), name);
}

const web = (ports: number[]) => ({
  name: "web",
  protocol: "TCP",
  portRanges: ports.map((fromPort) => ({ fromPort })),
  endpointGroups: [{ region: "us-west-1", endpoints: [{ type: "eip", id: EIP(9) }] }],
});
/** The default's listener in us-west-1 only: one region, so one aliased provider to start in each command. */
const westOnly = (stack: Stack) => (stack.listeners[0].endpointGroups = stack.listeners[0].endpointGroups.slice(0, 1));
/** The default's listener on `inference` ports, beside listener web. */
const listeners = (inference: number[], webPorts: number[]) => (stack: Stack) => {
  westOnly(stack);
  stack.listeners[0].portRanges = inference.map((fromPort) => ({ fromPort }));
  stack.listeners.push(web(webPorts));
};

interface Tried {
  readonly c: Case;
  readonly review: Review;
  readonly applied: { status: number | null; output: string };
}

/** Deploys `before`, plans `after` and reviews it as the gate does, then applies that plan anyway. */
async function tryChange(name: string, before: (stack: Stack) => void, after: (stack: Stack) => void, meanwhile: (c: Case) => void = () => {}): Promise<Tried> {
  const c = await newCase(name);
  await c.apply(before);
  const review = await c.plan(after);
  meanwhile(c);
  return { c, review, applied: await c.applyPlan() };
}

const overrides = (west: [number, number], east: [number, number]) => (stack: Stack) => {
  stack.listeners[0].portRanges = [{ fromPort: 80 }, { fromPort: 443 }];
  const [w, e] = stack.listeners[0].endpointGroups;
  w.portOverrides = [{ listenerPort: west[0], endpointPort: west[1] }];
  e.portOverrides = [{ listenerPort: east[0], endpointPort: east[1] }];
};
const renamed = (name: string) => (stack: Stack) => {
  westOnly(stack);
  stack.allowDestroy = ["listeners", "endpointGroups"];
  stack.listeners[0].name = name;
};
const INSTANCE = "i-0123456789abcdef0";
const dualStackWithoutElasticIps = (stack: Stack) => {
  westOnly(stack);
  stack.accelerator.ipAddressType = "DUAL_STACK";
  for (const group of stack.listeners[0].endpointGroups) group.endpoints = [{ type: "instance", id: INSTANCE }];
};

// The four cases are independent stacks, each with its own Global Accelerator API: they run at once.
const tried = new Map<string, Tried>();
beforeAll(async () => {
  const cases = await Promise.all([
    tryChange("swap-listeners", listeners([443], [80]), listeners([80], [443])),
    tryChange("swap-overrides", overrides([443, 8443], [80, 9443]), overrides([443, 9443], [80, 8443])),
    // The old listener goes only after its two groups, each waited for; the new one is created at once.
    tryChange("rename-listener", renamed("inference"), renamed("serving"), (c) => c.aws.ga.injectFault({ kind: "slow-deploy", ms: 1500 })),
    tryChange("dual-stack-switch", westOnly, dualStackWithoutElasticIps),
  ]);
  for (const t of cases) tried.set(t.c.name, t);
});
afterAll(async () => {
  for (const t of tried.values()) await t.c.aws.ga.stop();
});

describe("two listeners that swap port ranges", () => {
  let c: Case;
  let review: Review;
  let applied: Tried["applied"];
  beforeAll(() => {
    ({ c, review, applied } = tried.get("swap-listeners")!);
  });

  it("fail the apply: the API refuses the first listener to move with InvalidPortRangeException", () => {
    expect(applied.status).toBe(1);
    expect(applied.output).toContain("InvalidPortRangeException");
    const refusals = c.aws.ga.calls().filter((call) => call.operation === "UpdateListener" && call.status === 400);
    expect(refusals.length).toBeGreaterThan(0);
  });

  it("fail the gate, with the two-step recipe", () => {
    expect(passed(review)).toBe(false);
    expect(review.problems).toEqual([
      "aws_globalaccelerator_listener.inference and aws_globalaccelerator_listener.web swap TCP ports (aws_globalaccelerator_listener.inference takes 80, aws_globalaccelerator_listener.web takes 443): Terraform changes listeners in parallel, in no set order, and the API refuses a port range that another listener of the protocol still holds (InvalidPortRangeException), so the apply can fail half-way. Apply it in two steps: first a config in which both move to ports that neither uses now, then this one.",
    ]);
  });

  it("apply in the two steps the gate names, each passing the gate, and the second plan is empty", async () => {
    const step1 = await c.plan(listeners([8080], [8443]));
    expect(step1.problems).toEqual([]);
    expect((await c.applyPlan()).status).toBe(0);
    const step2 = await c.plan(listeners([80], [443]));
    expect(step2.problems).toEqual([]);
    expect((await c.applyPlan()).status).toBe(0);
    expect(await c.planIsEmpty()).toBe(true);
    const ports = (c.aws.ga.state().accelerators[0].Listeners as { PortRanges: { FromPort: number }[] }[]).map((l) => l.PortRanges[0].FromPort).sort();
    expect(ports).toEqual([443, 80].sort());
  });
});

describe("two endpoint groups that swap endpoint ports", () => {
  let review: Review;
  let applied: Tried["applied"];
  beforeAll(() => {
    ({ review, applied } = tried.get("swap-overrides")!);
  });

  it("fail the apply: the API refuses an endpoint port another group still maps from another listener port", () => {
    expect(applied.status).toBe(1);
    expect(applied.output).toMatch(/InvalidArgumentException: Endpoint port \d+ is already the override of listener port \d+ on this accelerator/);
  });

  it("fail the gate, naming both overrides and the recipe", () => {
    expect(review.problems).toEqual([
      "aws_globalaccelerator_endpoint_group.inference_us-east-1 overrides listener port 80 onto endpoint port 8443, which aws_globalaccelerator_endpoint_group.inference_us-west-1 maps from listener port 443 until the same apply changes that: Terraform changes them in no set order, and the API refuses such an override (InvalidArgumentException), so the apply can fail half-way. Apply it in two steps: first a config without this override, then this one.",
      "aws_globalaccelerator_endpoint_group.inference_us-west-1 overrides listener port 443 onto endpoint port 9443, which aws_globalaccelerator_endpoint_group.inference_us-east-1 maps from listener port 80 until the same apply changes that: Terraform changes them in no set order, and the API refuses such an override (InvalidArgumentException), so the apply can fail half-way. Apply it in two steps: first a config without this override, then this one.",
    ]);
  });
});

describe("a listener renamed without renamedFrom, its deletes allowed", () => {
  let review: Review;
  let applied: Tried["applied"];
  beforeAll(() => {
    ({ review, applied } = tried.get("rename-listener")!);
  });

  it("fails the apply: the new listener is refused the port the old one still holds", () => {
    expect(applied.status).toBe(1);
    expect(applied.output).toMatch(/InvalidPortRangeException: Port range 443 \(TCP\) overlaps 443 of listener/);
  });

  it("fails the gate (not for the deletes, which allowDestroy allows), with the recipe", () => {
    expect(review.violations).toEqual([]);
    expect(review.problems).toEqual([
      "aws_globalaccelerator_listener.serving takes TCP 443, which aws_globalaccelerator_listener.inference gives up in the same apply: Terraform changes listeners in parallel, in no set order, and the API refuses a port range that another listener of the protocol still holds (InvalidPortRangeException), so the apply can fail half-way. Apply it in two steps: first a config in which aws_globalaccelerator_listener.inference has given them up and aws_globalaccelerator_listener.serving does not take them yet, then this one.",
    ]);
  });
});

describe("a switch to DUAL_STACK that replaces the Elastic IP endpoints in the same apply", () => {
  let c: Case;
  let review: Review;
  let applied: Tried["applied"];
  beforeAll(() => {
    ({ c, review, applied } = tried.get("dual-stack-switch")!);
  });

  it("fails the apply: the accelerator changes first, and the API refuses it while its groups hold Elastic IPs", () => {
    expect(applied.status).toBe(1);
    expect(applied.output).toContain("InvalidArgumentException: A dual-stack accelerator cannot have Elastic IP address endpoints");
    expect(c.aws.ga.calls().filter((call) => call.operation === "UpdateEndpointGroup")).toEqual([]);
  });

  it("fails the gate, with the recipe", () => {
    expect(review.problems).toEqual([
      "aws_globalaccelerator_accelerator.accelerator becomes DUAL_STACK while aws_globalaccelerator_endpoint_group.inference_us-west-1 still has Elastic IP endpoints (eipalloc-0a1b2c3d4e5f60718): Terraform changes the accelerator before its endpoint groups, and the API refuses a dual-stack accelerator with Elastic IP endpoints (InvalidArgumentException), so the apply fails half-way. Apply it in two steps: first a config that removes the Elastic IP endpoints and keeps ipAddressType IPV4, then this one.",
    ]);
  });
});
