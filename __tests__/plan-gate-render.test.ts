// What the plan gate prints: the verdict and every change, as terminal text and as Markdown for a pull
// request or a job summary. Each test renders one review (and, where it matters, one capacity check) and
// compares the whole output, so a line left out, reordered or reworded fails.
// GIVEN a review, WHEN the gate renders it, THEN ...
import type { CapacityReview } from "../src/plan-gate/capacity";
import { gatePassed, renderMarkdown, renderText } from "../src/plan-gate/render";
import type { Change, Review, Violation } from "../src/plan-gate/review";

const ACCELERATOR = "aws_globalaccelerator_accelerator.accelerator";
const LISTENER = "aws_globalaccelerator_listener";
const GROUP = "aws_globalaccelerator_endpoint_group";

const change = (kind: Change["kind"], address: string, details: string[] = [], movedFrom?: string): Change => ({
  address,
  type: address.split(".")[0],
  kind,
  details,
  ...(movedFrom !== undefined && { movedFrom }),
});
const reviewOf = (changes: Change[], violations: Violation[] = [], problems: string[] = []): Review => ({ changes, violations, problems });

/** One change of every kind, in no particular order, two of them of one kind. */
const EVERY_KIND = reviewOf([
  change("update", `${GROUP}.inference_us-west-1`, ["traffic dial 0% → 100%", "weight of eipalloc-0a1b2c3d 64 → 128"]),
  change("forget", `${GROUP}.old_eu-west-1`),
  change("create", `${LISTENER}.streaming`),
  change("move", `${LISTENER}.inference`, [], `${LISTENER}.inference-v1`),
  change("delete", `${GROUP}.inference_ap-south-1`),
  change("create", `${GROUP}.streaming_ap-northeast-1`, ["traffic dial 100%", "weights: i-0fedcba9 128"]),
  change("replace", `${LISTENER}.batch`, ["replaced because protocol cannot change in place"]),
]);

const ACCELERATOR_REPLACED: Violation = {
  address: ACCELERATOR,
  kind: "replace",
  reason: "the accelerator is always protected: replacing it loses its static IP addresses for ever.",
};
const LISTENER_DELETED: Violation = {
  address: `${LISTENER}.batch`,
  kind: "delete",
  reason: 'listeners are protected for this stack (allowDestroy does not list "listeners"); if a rename caused it, set renamedFrom on the listener so Terraform moves it instead.',
};
const ERRORED = "Terraform reported an error while planning: the plan is incomplete and cannot be reviewed";

const capacity = (fields: Partial<CapacityReview>): CapacityReview => ({
  checked: true,
  strict: false,
  groups: ["chat/us-east-1: dial 0", "chat/us-west-2: dial 100", "chat/eu-west-1: not in the plan, no traffic"],
  overloads: [],
  ...fields,
});
const TWO_OVERLOADS = [
  { listener: "chat", region: "us-west-2", load: 900, capacity: 700 },
  { listener: "batch", region: "eu-west-1", load: 12.25, capacity: 10 },
];

describe("the text summary", () => {
  it("counts each kind of change, then lists deletes, replaces, creates, updates, moves and forgets, by address within a kind, with their details", () => {
    expect(renderText(EVERY_KIND, "prod")).toBe(
      [
        "Plan for prod: 2 to create, 1 to update, 1 to replace, 1 to delete, 1 to move",
        `  delete  ${GROUP}.inference_ap-south-1`,
        `  replace ${LISTENER}.batch  (replaced because protocol cannot change in place)`,
        `  create  ${GROUP}.streaming_ap-northeast-1  (traffic dial 100%; weights: i-0fedcba9 128)`,
        `  create  ${LISTENER}.streaming`,
        `  update  ${GROUP}.inference_us-west-1  (traffic dial 0% → 100%; weight of eipalloc-0a1b2c3d 64 → 128)`,
        `  move    ${LISTENER}.inference  (moved from ${LISTENER}.inference-v1)`,
        `  forget  ${GROUP}.old_eu-west-1`,
        "plan-gate: passed",
        "",
      ].join("\n"),
    );
  });

  it("says so when the plan changes nothing, and passes it", () => {
    expect(renderText(reviewOf([]), "prod")).toBe("Plan for prod: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n  no changes\nplan-gate: passed\n");
  });

  it("puts where a resource moved from before its other details", () => {
    const review = reviewOf([change("update", `${LISTENER}.inference`, ["changes client_affinity"], `${LISTENER}.inference-v1`)]);
    expect(renderText(review, "prod")).toContain(`  update  ${LISTENER}.inference  (moved from ${LISTENER}.inference-v1; changes client_affinity)\n`);
  });

  it("fails a plan that destroys protected resources: how many, then each with its action and reason", () => {
    const review = reviewOf([change("replace", ACCELERATOR), change("delete", `${LISTENER}.batch`)], [ACCELERATOR_REPLACED, LISTENER_DELETED]);
    expect(renderText(review, "prod")).toBe(
      [
        "Plan for prod: 0 to create, 0 to update, 1 to replace, 1 to delete, 0 to move",
        `  delete  ${LISTENER}.batch`,
        `  replace ${ACCELERATOR}`,
        "plan-gate: FAILED: the plan would destroy 2 protected resource(s):",
        `  ${ACCELERATOR}: replace: ${ACCELERATOR_REPLACED.reason}`,
        `  ${LISTENER}.batch: delete: ${LISTENER_DELETED.reason}`,
        "plan-gate: failed",
        "",
      ].join("\n"),
    );
  });

  it("fails an errored plan, saying why, with no line about protected resources", () => {
    expect(renderText(reviewOf([change("create", `${LISTENER}.streaming`)], [], [ERRORED]), "prod")).toBe(
      [
        "Plan for prod: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 to move",
        `  create  ${LISTENER}.streaming`,
        `plan-gate: ${ERRORED}`,
        "plan-gate: failed",
        "",
      ].join("\n"),
    );
  });
});

describe("the text of the capacity check", () => {
  const plan = reviewOf([change("update", `${GROUP}.chat_us-east-1`, ["traffic dial 100% → 0%"])]);
  const header = "Plan for prod: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 to move\n" + `  update  ${GROUP}.chat_us-east-1  (traffic dial 100% → 0%)\n`;
  const groups = "plan-gate: capacity with the dials and weights the plan leaves (every region healthy): chat/us-east-1: dial 0; chat/us-west-2: dial 100; chat/eu-west-1: not in the plan, no traffic\n";

  it("lists each group as the plan leaves it and says every region is within its capacity", () => {
    expect(renderText(plan, "prod", capacity({}))).toBe(`${header}${groups}plan-gate: capacity: every region within its capacity\nplan-gate: passed\n`);
  });

  it("warns of each region the plan would overload, with its load against its capacity, and passes", () => {
    expect(renderText(plan, "prod", capacity({ overloads: TWO_OVERLOADS }))).toBe(
      `${header}${groups}plan-gate: capacity: warning (--capacity-strict would fail the gate): the plan would overload 2 region(s):\n` +
        "  chat/us-west-2 at 900 / 700 (128.6%)\n  batch/eu-west-1 at 12.3 / 10 (122.5%)\nplan-gate: passed\n",
    );
  });

  it("fails on an overload with --capacity-strict", () => {
    expect(renderText(plan, "prod", capacity({ strict: true, overloads: TWO_OVERLOADS.slice(0, 1) }))).toBe(
      `${header}${groups}plan-gate: capacity: FAILED (--capacity-strict): the plan would overload 1 region(s):\n  chat/us-west-2 at 900 / 700 (128.6%)\nplan-gate: failed\n`,
    );
  });

  it("says nothing when there was nothing to check (no demand or no capacity)", () => {
    expect(renderText(plan, "prod", capacity({ checked: false, strict: true, groups: [] }))).toBe(`${header}plan-gate: passed\n`);
  });
});

describe("the Markdown summary", () => {
  it("shows the verdict, the counts and a table of every change in the text's order, escaping what would break a cell", () => {
    const review = reviewOf([
      change("update", `${LISTENER}.inference`, ["changes a|b", "line\nbreak"]),
      change("create", `${LISTENER}.streaming`),
      change("move", `${LISTENER}.chat`, [], `${LISTENER}.chat-v1`),
    ]);
    expect(renderMarkdown(review, "prod")).toBe(
      [
        "### Terraform plan for `prod`: ✅ plan gate passed",
        "",
        "1 to create, 1 to update, 0 to replace, 0 to delete, 1 to move",
        "",
        "| Action | Resource | Details |",
        "| --- | --- | --- |",
        `| create | \`${LISTENER}.streaming\` |  |`,
        `| update | \`${LISTENER}.inference\` | changes a\\|b; line break |`,
        `| move | \`${LISTENER}.chat\` | moved from ${LISTENER}.chat-v1 |`,
        "",
      ].join("\n"),
    );
  });

  it("says so when the plan changes nothing", () => {
    expect(renderMarkdown(reviewOf([]), "prod")).toBe(
      "### Terraform plan for `prod`: ✅ plan gate passed\n\n0 to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n\nNo changes.\n",
    );
  });

  it("fails a plan that destroys protected resources, each in bold above the table, a | in a reason escaped", () => {
    const violation = { ...LISTENER_DELETED, reason: "because a|b" };
    const review = reviewOf([change("delete", `${LISTENER}.batch`)], [violation], [ERRORED]);
    expect(renderMarkdown(review, "prod")).toBe(
      [
        "### Terraform plan for `prod`: ❌ plan gate failed",
        "",
        "0 to create, 0 to update, 0 to replace, 1 to delete, 0 to move",
        "",
        `- **${ERRORED}**`,
        `- **\`${LISTENER}.batch\`: delete**: because a\\|b`,
        "",
        "| Action | Resource | Details |",
        "| --- | --- | --- |",
        `| delete | \`${LISTENER}.batch\` |  |`,
        "",
      ].join("\n"),
    );
  });

  it("shows the regions the plan would overload, and fails with --capacity-strict", () => {
    const review = reviewOf([]);
    const overloads = "the plan's dials and weights would overload:\n- `chat/us-west-2 at 900 / 700 (128.6%)`\n- `batch/eu-west-1 at 12.3 / 10 (122.5%)`\n\n";
    const counts = "0 to create, 0 to update, 0 to replace, 0 to delete, 0 to move\n\n";
    expect(renderMarkdown(review, "prod", capacity({ overloads: TWO_OVERLOADS }))).toBe(
      `### Terraform plan for \`prod\`: ✅ plan gate passed\n\n${counts}**Capacity:** ${overloads}No changes.\n`,
    );
    expect(renderMarkdown(review, "prod", capacity({ strict: true, overloads: TWO_OVERLOADS }))).toBe(
      `### Terraform plan for \`prod\`: ❌ plan gate failed\n\n${counts}**Capacity (--capacity-strict):** ${overloads}No changes.\n`,
    );
  });

  it("says nothing of capacity when every region is within it, or when nothing was checked", () => {
    const plain = renderMarkdown(reviewOf([]), "prod");
    expect(renderMarkdown(reviewOf([]), "prod", capacity({ strict: true }))).toBe(plain);
    expect(renderMarkdown(reviewOf([]), "prod", capacity({ checked: false, strict: true, groups: [] }))).toBe(plain);
  });
});

describe("the gate's verdict", () => {
  it("passes a plan without violations or problems, whatever a capacity check without --capacity-strict finds", () => {
    expect(gatePassed(reviewOf([]))).toBe(true);
    expect(gatePassed(reviewOf([]), capacity({ overloads: TWO_OVERLOADS }))).toBe(true);
    expect(gatePassed(reviewOf([]), capacity({ strict: true }))).toBe(true);
  });

  it("fails on a violation, on a problem, and on an overload with --capacity-strict", () => {
    expect(gatePassed(reviewOf([], [LISTENER_DELETED]))).toBe(false);
    expect(gatePassed(reviewOf([], [], [ERRORED]))).toBe(false);
    expect(gatePassed(reviewOf([]), capacity({ strict: true, overloads: TWO_OVERLOADS }))).toBe(false);
  });
});
