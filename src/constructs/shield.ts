import type { GlobalacceleratorAccelerator } from "@cdktf/provider-aws/lib/globalaccelerator-accelerator";
import { ShieldProtection } from "@cdktf/provider-aws/lib/shield-protection";
import { Construct } from "constructs";
import { RESOURCE_NAME, SHIELD } from "../model/contract";

/**
 * AWS Shield Advanced protection of the accelerator (Shield Advanced protects standard accelerators by ARN;
 * the account needs a Shield Advanced subscription). The default provider serves: Shield is a global API
 * that the AWS provider always calls in us-east-1 (shield/service_package.go).
 */
export class AcceleratorShield extends Construct {
  readonly resource: ShieldProtection;

  constructor(scope: Construct, id: string, stack: string, accelerator: GlobalacceleratorAccelerator) {
    super(scope, id);
    this.resource = new ShieldProtection(this, "Default", {
      name: SHIELD.protectionName(stack),
      resourceArn: accelerator.arn,
      // What the CI roles' IAM policies key on (src/iam/policies.ts).
      tags: { [SHIELD.tagKey]: stack },
    });
    this.resource.overrideLogicalId(RESOURCE_NAME.shieldProtection);
  }
}
