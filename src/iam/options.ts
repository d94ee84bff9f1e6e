// The options of `npm run iam-policy`, checked and resolved per stack: the repository, the account and
// the default branch (whose scheduled drift runs the plan role trusts). A bad value is an error message, never a document for the wrong
// account or repository.
import { ACCOUNT_ID } from "../config/limits";
import type { StackModel } from "../model/model";
import type { IamOptions } from "./policies";

/** What the command line gave, before checking. */
export interface IamArguments {
  readonly repo?: string;
  readonly account?: string;
  readonly branch?: string;
  readonly breakGlass?: boolean;
}

/** GitHub's owner/name. */
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** A branch's short name as it follows refs/heads/ in the OIDC subject (git's ref rules, simplified). */
const BRANCH = /^(?!refs\/|\/|.*\/\/|.*\.\.|.*\/$)[A-Za-z0-9._\/-]+$/;

/** Checks the options that do not depend on a stack; the repository falls back to GITHUB_REPOSITORY. */
export function checkIamArguments(args: IamArguments, env: NodeJS.ProcessEnv): { repository: string; error?: undefined } | { error: string } {
  const repository = args.repo ?? env.GITHUB_REPOSITORY;
  if (repository === undefined) return { error: "--repo is required (the GitHub repository whose workflows assume the roles, owner/name)" };
  if (!REPOSITORY.test(repository)) return { error: `--repo must be owner/name, received ${JSON.stringify(repository)}` };
  if (args.account !== undefined && !ACCOUNT_ID.test(args.account)) {
    return { error: `--account must be a 12-digit AWS account ID, received ${JSON.stringify(args.account)}` };
  }
  if (args.branch !== undefined && !BRANCH.test(args.branch)) {
    return { error: `--branch must be a branch name such as main (without refs/heads/), received ${JSON.stringify(args.branch)}` };
  }
  return { repository };
}

/** A stack's options: the account is --account, or else the stack's only allowedAccountIds entry. */
export function iamOptionsFor(stack: StackModel, args: IamArguments, repository: string): { options: IamOptions; error?: undefined } | { error: string } {
  const account = args.account ?? (stack.allowedAccountIds?.length === 1 ? stack.allowedAccountIds[0] : undefined);
  if (account === undefined) return { error: `stack ${stack.name}: --account is required (allowedAccountIds does not name exactly one account)` };
  return {
    options: {
      account,
      repository,
      breakGlass: args.breakGlass === true,
      ...(args.branch !== undefined && { branch: args.branch }),
    },
  };
}
