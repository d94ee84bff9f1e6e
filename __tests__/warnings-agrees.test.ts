// The warning for more stacks than AWS's default quota of accelerators in one account (20; adjustable, and
// accelerators made outside the config count too, so a warning and not an error): stacks are counted per
// account they may deploy to (allowedAccountIds, or any account when a stack names none), and the warning
// names the first stack over the quota, once per account. GIVEN n copies of the valid config's stack, THEN ...
import { formatPath } from "../src/config/show";
import { validateConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = any;

/** A config of `accounts.length` stacks, stack i pinned to accounts[i] (undefined: no allowedAccountIds). */
function stacksIn(accounts: readonly (readonly string[] | undefined)[]): Config {
  const c = validConfig();
  const [template] = c.stacks;
  c.stacks = accounts.map((ids, i) => ({ ...structuredClone(template), name: `s${i}`, ...(ids !== undefined && { allowedAccountIds: [...ids] }) }));
  return c;
}

function warningsOf(config: Config): string[] {
  const result = validateConfig(config);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.warnings.map((w) => `${formatPath(w.path)}: ${w.message}`);
}

const A = "111111111111";
const B = "222222222222";
const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);
const QUOTA_ADVICE = "AWS's default quota is 20 accelerators per account: ask for more in Service Quotas first, or give the stacks accounts of their own with allowedAccountIds";

describe("the warning for more accelerators than AWS's default quota in one account", () => {
  it("names the 21st of 21 stacks that name no account", () => {
    expect(warningsOf(stacksIn(times(21, undefined)))).toEqual([
      `stacks[20]: is stack number 21 of 21 that may create an accelerator in one account (no stack names its account in allowedAccountIds); ${QUOTA_ADVICE}`,
    ]);
  });

  it("is not given for 20 stacks in one account", () => {
    expect(warningsOf(stacksIn(times(20, [A])))).toEqual([]);
  });

  it("names the 21st stack that may deploy to an account, counting the stacks that name no account there too, once", () => {
    expect(warningsOf(stacksIn([...times(12, [A]), ...times(10, undefined)]))).toEqual([
      `stacks[20]: is stack number 21 of 22 that may create an accelerator in account ${A} (stacks that name it in allowedAccountIds, or name no account); ${QUOTA_ADVICE}`,
    ]);
  });

  it("is not given for 21 stacks in two accounts, 11 and 10", () => {
    expect(warningsOf(stacksIn([...times(11, [A]), ...times(10, [B])]))).toEqual([]);
  });

  it("counts a stack that names two accounts in each, and warns for each account over the quota", () => {
    expect(warningsOf(stacksIn([[A, B], ...times(20, [A]), ...times(20, [B])]))).toEqual([
      `stacks[20]: is stack number 21 of 21 that may create an accelerator in account ${A} (stacks that name it in allowedAccountIds, or name no account); ${QUOTA_ADVICE}`,
      `stacks[40]: is stack number 21 of 21 that may create an accelerator in account ${B} (stacks that name it in allowedAccountIds, or name no account); ${QUOTA_ADVICE}`,
    ]);
  });
});
