// @ts-check
// A config of n stacks for the tests and the bench at scale: fleet-000, fleet-001, ... (three digits, or
// more past 1,000), each one accelerator with one listener and two EIP groups at a dial of 100. `change`
// edits the stacks as plain data before the YAML is written.
"use strict";
const { stringify } = require("yaml");

/**
 * @param {number} n
 * @param {(stacks: any[]) => void} [change]
 * @returns {string}
 */
function fleetConfig(n, change = () => {}) {
  const width = Math.max(3, String(n - 1).length);
  const stacks = Array.from({ length: n }, (_, i) => {
    const name = `fleet-${String(i).padStart(width, "0")}`;
    return {
      name,
      // One account per stack: AWS's default quota is 20 accelerators per account.
      allowedAccountIds: [String(100000000000 + i)],
      backend: { bucket: "acme-terraform-state", region: "us-west-2" },
      accelerator: { name, flowLogs: false },
      listeners: [
        {
          name: "inference",
          protocol: "TCP",
          portRanges: [{ fromPort: 443 }],
          endpointGroups: [
            { region: "us-west-1", trafficDialPercentage: 100, endpoints: [{ type: "eip", id: "eipalloc-0a1b2c3d4e5f60718" }] },
            { region: "us-east-1", trafficDialPercentage: 100, endpoints: [{ type: "eip", id: "eipalloc-0f1e2d3c4b5a69788" }] },
          ],
        },
      ],
    };
  });
  change(stacks);
  return stringify({ version: 1, stacks });
}

module.exports = { fleetConfig };
