import { DataAwsLb } from "@cdktf/provider-aws/lib/data-aws-lb";
import { Construct } from "constructs";
import { RESOURCE_NAME } from "../model/contract";
import type { LoadBalancerLookup } from "../model/model";
import type { RegionalProviders } from "./regional-providers";

const LOAD_BALANCER_TYPE = { alb: "application", nlb: "network" } as const;

/**
 * Load balancers named in the config instead of by ARN: one `data "aws_lb"` per
 * region and name, read through that region's aliased provider at plan time.
 */
export class LoadBalancerLookups extends Construct {
  private readonly arns = new Map<string, string>();

  constructor(scope: Construct, id: string, lookups: readonly LoadBalancerLookup[], providers: RegionalProviders) {
    super(scope, id);
    for (const lookup of lookups) {
      const lb = new DataAwsLb(this, RESOURCE_NAME.lookup(lookup), {
        name: lookup.name,
        provider: providers.forRegion(lookup.region),
        lifecycle: {
          // A name that finds the other kind of load balancer fails the plan, not the apply.
          postcondition: [
            {
              condition: `\${self.load_balancer_type == "${LOAD_BALANCER_TYPE[lookup.type]}"}`,
              errorMessage: `${lookup.name} in ${lookup.region} is not ${lookup.type === "alb" ? "an Application" : "a Network"} Load Balancer; check the endpoint's type in the config.`,
            },
          ],
        },
      });
      lb.overrideLogicalId(RESOURCE_NAME.lookup(lookup));
      this.arns.set(RESOURCE_NAME.lookup(lookup), lb.arn);
    }
  }

  /** The ARN (a plan-time reference) of a looked-up load balancer. */
  arnOf(region: string, name: string): string {
    const arn = this.arns.get(RESOURCE_NAME.lookup({ region, name }));
    if (arn === undefined) throw new Error(`no lookup for ${name} in ${region}`);
    return arn;
  }
}
