// `npm run explain`: where the clients of each geography (and one client, with --client) go, in normal
// operation, with the config's dials and with regions failed, and whether the capacity left carries the demand.
export { parseClient } from "./clients";
export { explainSelection } from "./options";
export { overloadsOf, routeGroups } from "./routing";
export { explainClient, explainStack, groupState, type StackExplanation } from "./scenarios";
export { loadOfCapacity, renderClientText, renderExplainMarkdown, renderExplainText, PROXIMITY_NOTE } from "./render";
export { clientJson, explainJson } from "./json";
