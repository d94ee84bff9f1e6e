// `npm run explain`: where each client geography goes, in normal operation, with the config's dials and
// with regions failed, and whether the capacity left carries the demand.
export { explainSelection } from "./options";
export { overloadsOf } from "./routing";
export { explainStack, groupState, routeGroups, type StackExplanation } from "./scenarios";
export { loadOfCapacity, renderExplainMarkdown, renderExplainText, PROXIMITY_NOTE } from "./render";
