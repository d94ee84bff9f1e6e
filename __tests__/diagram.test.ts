// The routing diagram's labels, unit by unit (diagram.integration.test.ts parses it with Mermaid): each
// endpoint group says which geographies it serves in normal operation, from explain's routing model.
import { GEOGRAPHIES } from "../src/config/limits";
import { routeGroups, type GroupState } from "../src/explain/routing";
import { routingDiagram } from "../src/handoff/diagram";
import { toModel } from "../src/model/model";
import { parseConfig } from "../src/validation/validate";
import { validConfig } from "./support/configs";

const up = (region: string, dial = 100): GroupState => ({ region, dial, available: true });
const stackOf = (change: (c: ReturnType<typeof validConfig>) => void = () => {}) => {
  const config = validConfig();
  change(config);
  return toModel(parseConfig(config).config).stacks[0];
};

describe("the diagram", () => {
  it("shows which geographies each group serves in normal operation, from the same model", () => {
    const stack = stackOf();
    const routing = routeGroups([up("us-west-1"), up("us-east-1", 25)], {});
    const west = GEOGRAPHIES.flatMap((g) => {
      const share = routing.routes[g].filter((s) => s.region === "us-west-1").reduce((sum, s) => sum + s.fraction, 0);
      return share > 0 ? [`${g} ${Math.round(share * 1000) / 10}%`] : [];
    });
    const diagram = routingDiagram(stack);
    expect(diagram).toContain(`threshold 2<br/>ports 443→8443<br/>serves ${west.join(", ")}"}}`);
    expect(west[0]).toMatch(/^north-america \d/);
    const drained = routingDiagram(stackOf((c) => (c.stacks[0].listeners[0].endpointGroups[1].trafficDialPercentage = 0)));
    expect(drained).toContain("dial 0% (drained)<br/>key inference/us-east-1<br/>health TCP :443 every 30s, threshold 3<br/>serves no clients in normal operation\"}}");
    expect(drained).toContain("l1g0{{\"ap-northeast-1<br/>dial 100%<br/>key streaming/ap-northeast-1<br/>health TCP :9000 every 30s, threshold 3<br/>serves north-america 100%, south-america 100%, europe 100%, africa 100%, middle-east 100%, asia 100%, oceania 100%\"}}");
  });
});

