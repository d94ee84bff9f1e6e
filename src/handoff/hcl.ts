// `cdktf synth --hcl` (cdktf 0.21) renders a few Terraform constructs wrongly; these repairs make its
// HCL the same configuration as the JSON. The packager then formats the result with `terraform fmt`
// and checks it with `terraform validate`, so a defect not repaired here stops the packaging.

interface StackJson {
  readonly variable?: Record<string, { readonly nullable?: boolean }>;
  readonly terraform?: { readonly required_version?: string };
}

/** cdktf's HCL of a stack, repaired; `json` is the same stack's Terraform JSON. */
export function repairCdktfHcl(hcl: string, json: StackJson): string {
  return [unquoteProviderReferences, unquoteIgnoredAttributes, conditionBlocks, (text: string) => restoreNotNullable(text, json), (text: string) => restoreRequiredVersion(text, json)].reduce(
    (text, repair) => repair(text),
    hcl,
  );
}

// cdktf quotes `provider = "aws.us-east-1"`, a form Terraform only still accepts with a deprecation warning.
function unquoteProviderReferences(hcl: string): string {
  return hcl.replace(/^(\s*provider\s*=\s*)"([a-z0-9_-]+\.[A-Za-z0-9_-]+)"$/gm, "$1$2");
}

// cdktf quotes the attributes of ignore_changes (a steered group's dial), which Terraform still accepts
// with a "Quoted references are deprecated" warning; in HCL they are bare references.
function unquoteIgnoredAttributes(hcl: string): string {
  return hcl.replace(/^( *ignore_changes = \[\n)([\s\S]*?)(^ *\])/gm, (_all, open: string, items: string, close: string) =>
    `${open}${items.replace(/^( *)"([a-z0-9_]+)"(,?)$/gm, "$1$2$3")}${close}`,
  );
}

// cdktf writes lifecycle pre- and postconditions as a list attribute, which Terraform rejects
// ("An argument named "postcondition" is not expected here"); they are blocks.
function conditionBlocks(hcl: string): string {
  return hcl.replace(/^( *)(postcondition|precondition) = \[\n([\s\S]*?)^\1\]\n/gm, (_all, indent: string, kind: string, items: string) =>
    items.replace(/^ *\{\n([\s\S]*?)^ *\},?\n/gm, (_item, body: string) => `${indent}${kind} {\n${body}${indent}}\n`),
  );
}

// cdktf drops `nullable = false` (it leaves out every false attribute of a variable); without it
// `-var 'traffic_dials=null'` would reach the resources as null instead of meaning the default.
function restoreNotNullable(hcl: string, json: StackJson): string {
  return Object.entries(json.variable ?? {})
    .filter(([, v]) => v.nullable === false)
    .reduce((text, [name]) => {
      const block = new RegExp(`^(variable "${name}" \\{\\n)`, "m");
      return text.replace(block, "$1  nullable = false\n");
    }, hcl);
}

// cdktf renders the stack's terraform.required_version override as `0 = "required_version"`, which
// is no HCL Terraform accepts; it is the constraint from the JSON.
function restoreRequiredVersion(hcl: string, json: StackJson): string {
  const version = json.terraform?.required_version;
  if (version === undefined) return hcl;
  return hcl.replace(/^( *)\d+ = "required_version"$/m, `$1required_version = ${JSON.stringify(version)}`);
}
