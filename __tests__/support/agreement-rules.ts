// The rules of src/validation/rules.ts that keep validation in agreement with the Global Accelerator API
// (and its local stand-in), tested both ways, on every position they loop over, in
// __tests__/validation-agrees.test.ts rather than in validation.test.ts's table.
export const RULES_TESTED_IN_VALIDATION_AGREES = ["byoipAddressesFromTwoRanges", "byoipAddressOfOneStack", "endpointPortFromOneListenerPort"] as const;
