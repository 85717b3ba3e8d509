/**
 * Renders the Scoop manifest (`aws-sso-util.json`) for a release from its SHA256SUMS.
 *
 * Run: `deno run --allow-read --allow-env=GITHUB_REPOSITORY [--allow-write] scripts/scoop.ts
 * [--sums dist/SHA256SUMS] [--version V] [--repo owner/name] [--out FILE]`
 *
 * @module
 */

import { archiveFor, type PackageInputs, runRenderer } from "./package_inputs.ts";
import {
  artifactStem,
  BIN_NAME,
  DESCRIPTION,
  LICENSE_ID,
  releaseAssetUrl,
  type Target,
} from "./release_info.ts";

const USAGE = "usage: scoop.ts [--sums FILE] [--version V] [--repo owner/name] [--out FILE]";

/** Scoop's architecture names, and the Windows target each installs. */
const ARCHITECTURES: readonly (readonly ["64bit" | "arm64", Target])[] = [
  ["64bit", "x86_64-pc-windows-msvc"],
  ["arm64", "aarch64-pc-windows-msvc"],
];

/** The manifest's JSON text; throws when SHA256SUMS lacks one of the Windows archives. */
export function renderScoopManifest(inputs: PackageInputs): string {
  const { version, repo } = inputs;
  const architecture: Record<string, unknown> = {};
  const autoupdate: Record<string, unknown> = {};
  for (const [name, target] of ARCHITECTURES) {
    const { file, sha256 } = archiveFor(inputs, target);
    architecture[name] = {
      url: releaseAssetUrl(repo, version, file),
      hash: sha256,
      extract_dir: artifactStem(version, target),
    };
    autoupdate[name] = {
      url: releaseAssetUrl(repo, "$version", `${artifactStem("$version", target)}.zip`),
      extract_dir: artifactStem("$version", target),
    };
  }
  const manifest = {
    version,
    description: DESCRIPTION,
    homepage: `https://github.com/${repo}`,
    license: LICENSE_ID,
    architecture,
    bin: `${BIN_NAME}.exe`,
    checkver: { github: `https://github.com/${repo}` },
    autoupdate: { architecture: autoupdate, hash: { url: "$baseurl/SHA256SUMS" } },
  };
  return JSON.stringify(manifest, null, 2) + "\n";
}

if (import.meta.main) Deno.exit(await runRenderer(Deno.args, USAGE, renderScoopManifest));
