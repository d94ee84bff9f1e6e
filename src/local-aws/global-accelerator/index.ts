// A local AWS Global Accelerator API for the real hashicorp/aws provider: apply, plan and destroy
// against loopback, with the API's rules, a record of every call, injected faults and persistence.
// A leaf: it imports nothing from the rest of src/.
export {
  DEFAULT_DEPLOY_DELAY_MS,
  SIGNING_REGION,
  SIGNING_SERVICE,
  TARGET_PREFIX,
  parseFault,
  startGlobalAcceleratorApi,
  type Fault,
  type GlobalAcceleratorApi,
  type GlobalAcceleratorApiOptions,
  type PendingFault,
  type RecordedCall,
  type SigningScope,
  type StateView,
} from "./server";
export {
  ENDPOINT_GROUP_REGIONS,
  GlobalAcceleratorError,
  GlobalAcceleratorService,
  MUTATIONS,
  OPERATIONS,
  QUOTAS,
  type Operation,
  type ServiceOptions,
  type ServiceState,
} from "./api";
export { main, parseArgs, type CliOptions } from "./cli";
