import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { GA_API_REGION } from "../config/limits";

export interface RegionalProvidersProps {
  /** Every region that holds an endpoint group; each gets a provider aliased by its name. */
  readonly regions: readonly string[];
  /** Provider default_tags, applied in every region. @default - no default tags */
  readonly tags: Readonly<Record<string, string>>;
  /** Fail fast on credentials for any other account. @default - any account */
  readonly allowedAccountIds?: readonly string[];
}

/**
 * The AWS providers of a stack: the default one in us-west-2, where the Global
 * Accelerator API lives and which owns its resources, and one aliased provider
 * per endpoint region (alias = region name) for everything regional.
 */
export class RegionalProviders extends Construct {
  private readonly byRegion = new Map<string, AwsProvider>();

  constructor(scope: Construct, id: string, props: RegionalProvidersProps) {
    super(scope, id);
    const common = {
      ...(Object.keys(props.tags).length > 0 && { defaultTags: [{ tags: { ...props.tags } }] }),
      ...(props.allowedAccountIds !== undefined && { allowedAccountIds: [...props.allowedAccountIds] }),
    };
    new AwsProvider(this, "default", { region: GA_API_REGION, ...common });
    for (const region of props.regions) {
      this.byRegion.set(region, new AwsProvider(this, region, { region, alias: region, ...common }));
    }
  }

  /** The aliased provider of an endpoint region. */
  forRegion(region: string): AwsProvider {
    const provider = this.byRegion.get(region);
    if (provider === undefined) throw new Error(`no provider for region ${region}; it holds no endpoint group`);
    return provider;
  }
}
