/**
 * Generates `src/config/endpoint_rules.json`: the AWS partitions (regions, DNS suffixes, what
 * each supports) and the endpoint rules of the three services this tool calls (`sso`,
 * `sso-oidc`, `sts`), taken from the JS SDK v3 packages pinned below. Run it when AWS adds a
 * region or partition (bump the versions first):
 *
 *     deno run --allow-read --allow-write --allow-run --allow-env scripts/gen_endpoint_rules.ts
 *
 * The SDK ships each service's rules as a binary decision diagram (`dist-es/endpoint/bdd.js`:
 * conditions, results, nodes, root); `src/config/endpoint_rules.ts` evaluates exactly that data.
 * The partition data is `@aws-sdk/core`'s `partitions.js`. The script refuses rules that use a
 * function our evaluator does not implement, so a new kind of rule cannot slip in unnoticed.
 *
 * @module
 */

import { parseFlags, UsageError } from "./cli_args.ts";

/** The SDK packages the data comes from; the differential tests load the same versions. */
export const SDK_VERSION = "3.1178.0";

/** The functions `src/config/endpoint_rules.ts` implements. */
export const SUPPORTED_FUNCTIONS: readonly string[] = [
  "isSet",
  "not",
  "booleanEquals",
  "stringEquals",
  "getAttr",
  "aws.partition",
];

const OUTPUT = new URL("../src/config/endpoint_rules.json", import.meta.url);

/** One service's decision diagram as the SDK builds it. */
export interface SdkBdd {
  nodes: Int32Array;
  root: number;
  conditions: unknown[];
  results: unknown[];
}

async function serviceRules(): Promise<Record<string, unknown>> {
  // Literal specifiers, so that `deno install` caches them with the rest of the scripts.
  const modules: Record<string, { bdd: SdkBdd; commonParams: Record<string, unknown> }> = {
    "sso": {
      ...await import("npm:@aws-sdk/client-sso@3.1178.0/dist-es/endpoint/bdd.js"),
      ...await import("npm:@aws-sdk/client-sso@3.1178.0/dist-es/endpoint/EndpointParameters.js"),
    },
    "sso-oidc": {
      ...await import("npm:@aws-sdk/client-sso-oidc@3.1178.0/dist-es/endpoint/bdd.js"),
      ...await import(
        "npm:@aws-sdk/client-sso-oidc@3.1178.0/dist-es/endpoint/EndpointParameters.js"
      ),
    },
    "sts": {
      ...await import("npm:@aws-sdk/client-sts@3.1178.0/dist-es/endpoint/bdd.js"),
      ...await import("npm:@aws-sdk/client-sts@3.1178.0/dist-es/endpoint/EndpointParameters.js"),
    },
  };
  const services: Record<string, unknown> = {};
  for (const [service, { bdd, commonParams }] of Object.entries(modules)) {
    checkFunctions(service, bdd);
    services[service] = {
      params: Object.keys(commonParams).sort(),
      root: bdd.root,
      nodes: Array.from(bdd.nodes),
      conditions: bdd.conditions,
      results: bdd.results,
    };
  }
  return services;
}

/** Throws when the rules call a function the evaluator lacks. */
export function checkFunctions(service: string, bdd: SdkBdd): void {
  // A condition is [fn, argv, assign?]; inside, a function call is { fn, argv }.
  const used = new Set(bdd.conditions.map((condition) => String((condition as unknown[])[0])));
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === "object") {
      const fn = (node as { fn?: unknown }).fn;
      if (typeof fn === "string") used.add(fn);
      Object.values(node).forEach(walk);
    }
  };
  walk(bdd.conditions);
  walk(bdd.results);
  const missing = [...used].filter((fn) => !SUPPORTED_FUNCTIONS.includes(fn));
  if (missing.length > 0) {
    throw new Error(`The ${service} rules use ${missing.join(", ")}, which the evaluator lacks.`);
  }
}

/** The partition data of the `@aws-sdk/core` that the clients above depend on. */
async function partitionData(): Promise<unknown[]> {
  const info = await denoInfo(`npm:@aws-sdk/client-sso@${SDK_VERSION}`);
  const core = Object.values(info.npmPackages).find((p) => p.name === "@aws-sdk/core");
  if (!core?.localPath) throw new Error("deno info names no local copy of @aws-sdk/core.");
  const file = `${core.localPath}/dist-es/submodules/client/util-endpoints/lib/aws/partitions.js`;
  const text = await Deno.readTextFile(file);
  const json = text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1);
  const { partitions } = JSON.parse(json) as { partitions: Record<string, unknown>[] };
  if (!Array.isArray(partitions) || partitions.length === 0) {
    throw new Error(`${file} holds no partitions.`);
  }
  return partitions.map((p) => ({
    id: p.id,
    regionRegex: p.regionRegex,
    outputs: p.outputs,
    regions: p.regions,
  }));
}

interface DenoInfo {
  npmPackages: Record<string, { name: string; version: string; localPath?: string }>;
}

async function denoInfo(specifier: string): Promise<DenoInfo> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", specifier],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`deno info ${specifier} failed.`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The generated file's text (stable: the same SDK versions give the same bytes). */
export async function generate(): Promise<string> {
  const data = {
    "//": `Generated by scripts/gen_endpoint_rules.ts from the JS SDK v3 ${SDK_VERSION} ` +
      "(@aws-sdk/client-sso, client-sso-oidc, client-sts and their @aws-sdk/core); do not edit.",
    sdkVersion: SDK_VERSION,
    partitions: await partitionData(),
    services: await serviceRules(),
  };
  return JSON.stringify(data, null, 2) + "\n";
}

if (import.meta.main) {
  try {
    const flags = parseFlags(
      Deno.args,
      { check: { type: "boolean" } },
      "usage: gen_endpoint_rules.ts [--check]",
    );
    const text = await generate();
    if (flags.check) {
      const current = await Deno.readTextFile(OUTPUT).catch(() => "");
      if (current !== text) {
        console.error(
          "src/config/endpoint_rules.json is not what the pinned SDK gives; regenerate it.",
        );
        Deno.exit(1);
      }
    } else {
      await Deno.writeTextFile(OUTPUT, text);
      console.log(`wrote ${OUTPUT.pathname}`);
    }
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(error instanceof UsageError ? error.exitCode : 1);
  }
}
