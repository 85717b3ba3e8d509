/**
 * The AWS partitions (`aws`, `aws-cn`, `aws-us-gov`, the ISO partitions, `aws-eusc`, …): their
 * regions, DNS suffixes and what each supports, as the AWS SDKs know them. The data is
 * generated from the JS SDK v3 by `scripts/gen_endpoint_rules.ts` into `endpoint_rules.json`;
 * regenerate it when AWS adds a region or a partition.
 *
 * @module
 */
import rules from "./endpoint_rules.json" with { type: "json" };

/** What the endpoint rules read of a partition (`aws.partition` in the rules). */
export interface PartitionOutputs {
  name: string;
  dnsSuffix: string;
  dualStackDnsSuffix: string;
  supportsFIPS: boolean;
  supportsDualStack: boolean;
  implicitGlobalRegion: string;
}

/** One partition: its regions, the pattern of region names it owns, and its outputs. */
export interface Partition {
  id: string;
  regionRegex: string;
  outputs: PartitionOutputs;
  /** Region name → its description (and, should AWS add any, per-region overrides). */
  regions: Record<string, { description?: string } & Partial<PartitionOutputs>>;
}

/** Every partition, in the SDK's order (the first match wins). */
export const PARTITIONS: readonly Partition[] = rules.partitions as unknown as Partition[];

const patterns = new Map<string, RegExp>();

/**
 * The partition of a region exactly as the SDK's `aws.partition` finds it: a region listed in a
 * partition, else the first partition whose pattern matches the name, else `aws` (an unknown
 * region still resolves, as it does in every AWS SDK).
 */
export function partitionOf(region: string): PartitionOutputs {
  for (const partition of PARTITIONS) {
    const known = Object.hasOwn(partition.regions, region) ? partition.regions[region] : undefined;
    if (known) {
      const { description: _, ...overrides } = known;
      return { ...partition.outputs, ...overrides };
    }
  }
  for (const partition of PARTITIONS) {
    let pattern = patterns.get(partition.id);
    if (!pattern) patterns.set(partition.id, pattern = new RegExp(partition.regionRegex));
    if (pattern.test(region)) return { ...partition.outputs };
  }
  return { ...PARTITIONS.find((p) => p.id === "aws")!.outputs };
}

/** One region AWS has announced. */
export interface RegionInfo {
  name: string;
  description: string;
  partition: string;
}

/**
 * The regions of every partition, without the `*-global` pseudo-regions (they name a
 * partition's global endpoint, not a place to run an Identity Center instance).
 */
export function knownRegions(): RegionInfo[] {
  return PARTITIONS.flatMap((partition) =>
    Object.entries(partition.regions)
      .filter(([name]) => !name.endsWith("-global"))
      .map(([name, info]) => ({
        name,
        description: info.description ?? "",
        partition: partition.id,
      }))
  );
}

/**
 * The DNS suffixes of every partition, plain and dual-stack: every host the endpoint rules can
 * produce for a service ends in one of them (the `net` permission lists are built from this).
 */
export function partitionDnsSuffixes(): string[] {
  const suffixes = new Set<string>();
  for (const { outputs, regions } of PARTITIONS) {
    for (const o of [outputs, ...Object.values(regions)]) {
      if (o.dnsSuffix) suffixes.add(o.dnsSuffix);
      if (o.dualStackDnsSuffix) suffixes.add(o.dualStackDnsSuffix);
    }
  }
  return [...suffixes];
}
