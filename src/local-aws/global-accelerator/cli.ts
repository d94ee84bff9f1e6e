// The command line entry: starts the Global Accelerator API, prints one ready line on stdout
// ("global accelerator API at http://127.0.0.1:<port>") and stops cleanly on SIGINT or SIGTERM.
import { DEFAULT_DEPLOY_DELAY_MS, startGlobalAcceleratorApi, type GlobalAcceleratorApi, type GlobalAcceleratorApiOptions } from "./server";

const USAGE = `Usage: global-accelerator-api [--port N] [--deploy-delay-ms N] [--state-file FILE] [--call-log FILE] [--account ID]

A local AWS Global Accelerator API on 127.0.0.1 for the hashicorp/aws provider
(endpoints { globalaccelerator = "http://127.0.0.1:<port>" }, region us-west-2).

  --port N             port to listen on (default 0: a free port)
  --deploy-delay-ms N  how long a change stays IN_PROGRESS (default ${DEFAULT_DEPLOY_DELAY_MS})
  --state-file FILE    load the state from FILE if present; write it after every change
  --call-log FILE      append every call to FILE as one JSON line
  --account ID         the 12-digit account in ARNs (default 123456789012)

Control endpoints: GET /__control/calls, GET /__control/state, GET|POST|DELETE /__control/faults,
POST /__control/reset.
`;

export interface CliOptions extends GlobalAcceleratorApiOptions {
  readonly help?: boolean;
}

/** Reads the flags (--flag value or --flag=value); throws with a message naming the bad flag. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: { -readonly [K in keyof CliOptions]: CliOptions[K] } = {};
  const whole = (flag: string, value: string) => {
    if (!/^\d+$/.test(value)) throw new Error(`${flag} needs a whole number, got '${value}'`);
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
    if (flag === "--help" || flag === "-h") {
      options.help = true;
      continue;
    }
    if (!["--port", "--deploy-delay-ms", "--state-file", "--call-log", "--account"].includes(flag)) throw new Error(`unknown flag ${flag}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (flag) {
      case "--port": {
        const port = whole(flag, value);
        if (port > 65535) throw new Error(`--port must be at most 65535, got ${port}`);
        options.port = port;
        break;
      }
      case "--deploy-delay-ms":
        options.deployDelayMs = whole(flag, value);
        break;
      case "--state-file":
        options.stateFile = value;
        break;
      case "--call-log":
        options.callLog = value;
        break;
      case "--account":
        if (!/^\d{12}$/.test(value)) throw new Error(`--account needs a 12-digit account ID, got '${value}'`);
        options.account = value;
        break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  return options;
}

/**
 * Starts the API from command-line flags; resolves with it once the ready line is printed (undefined
 * after --help). SIGINT and SIGTERM stop it and end the process with status 0.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<GlobalAcceleratorApi | undefined> {
  const { help, ...options } = parseArgs(argv);
  if (help) {
    process.stdout.write(USAGE);
    return undefined;
  }
  const api = await startGlobalAcceleratorApi(options);
  const stop = () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    api.stop().then(
      () => process.exit(0),
      (e: Error) => {
        process.stderr.write(`stopping the Global Accelerator API failed: ${e.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.stdout.write(`global accelerator API at ${api.endpoint}\n`);
  return api;
}

if (require.main === module) {
  main().catch((e: Error) => {
    process.stderr.write(`global-accelerator-api: ${e.message}\n${USAGE}`);
    process.exit(2);
  });
}
