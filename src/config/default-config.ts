// The embedded default: the two-region topology of the original design. One
// TCP listener on 443, an endpoint group in us-west-1 and one in us-east-1,
// each with one Elastic IP endpoint at weight 128. The IDs are well-formed
// examples; replace them with your own in a config file.
//
// The Elastic IP IDs are placeholders, so the stack is pinned to the AWS documentation account
// (123456789012, which moto also uses): it synthesizes, plans and deploys against a local AWS API, but
// the AWS provider refuses credentials for any real account before it plans or applies anything.

/** The config synthesized when SMART_ROUTING_CONFIG is not set. */
export const DEFAULT_CONFIG = {
  version: 1,
  stacks: [
    {
      name: "smart-routing",
      allowedAccountIds: ["123456789012"],
      backend: {
        bucket: "smart-routing-terraform-state",
        region: "us-west-2",
      },
      accelerator: {
        name: "smart-routing",
        // Off on purpose for the example: flow logs need a bucket that exists.
        flowLogs: false,
      },
      listeners: [
        {
          name: "inference",
          protocol: "TCP",
          portRanges: [{ fromPort: 443 }],
          endpointGroups: [
            {
              region: "us-west-1",
              endpoints: [{ type: "eip", id: "eipalloc-0a1b2c3d4e5f60718", weight: 128 }],
            },
            {
              region: "us-east-1",
              endpoints: [{ type: "eip", id: "eipalloc-0f1e2d3c4b5a69788", weight: 128 }],
            },
          ],
        },
      ],
    },
  ],
} as const;
