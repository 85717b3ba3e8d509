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

const WINDOWS_X64: Target = "x86_64-pc-windows-msvc";

/** The manifest's JSON text; throws when SHA256SUMS lacks the Windows archive. */
export function renderScoopManifest(inputs: PackageInputs): string {
  const { version, repo } = inputs;
  const { file, sha256 } = archiveFor(inputs, WINDOWS_X64);
  const manifest = {
    version,
    description: DESCRIPTION,
    homepage: `https://github.com/${repo}`,
    license: LICENSE_ID,
    architecture: {
      "64bit": {
        url: releaseAssetUrl(repo, version, file),
        hash: sha256,
        extract_dir: artifactStem(version, WINDOWS_X64),
      },
    },
    bin: `${BIN_NAME}.exe`,
    checkver: { github: `https://github.com/${repo}` },
    autoupdate: {
      architecture: {
        "64bit": {
          url: releaseAssetUrl(repo, "$version", `${artifactStem("$version", WINDOWS_X64)}.zip`),
          extract_dir: artifactStem("$version", WINDOWS_X64),
        },
      },
      hash: { url: "$baseurl/SHA256SUMS" },
    },
  };
  return JSON.stringify(manifest, null, 2) + "\n";
}

if (import.meta.main) Deno.exit(await runRenderer(Deno.args, USAGE, renderScoopManifest));
