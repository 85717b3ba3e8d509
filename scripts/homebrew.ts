/**
 * Renders the Homebrew formula (`aws-sso-util.rb`) for a release from its SHA256SUMS.
 *
 * Run: `deno run --allow-read --allow-env=GITHUB_REPOSITORY [--allow-write] scripts/homebrew.ts
 * [--sums dist/SHA256SUMS] [--version V] [--repo owner/name] [--out FILE]`
 *
 * @module
 */

import { archiveFor, type PackageInputs, runRenderer } from "./package_inputs.ts";
import { BIN_NAME, DESCRIPTION, LICENSE_ID, releaseAssetUrl, type Target } from "./release_info.ts";

const USAGE = "usage: homebrew.ts [--sums FILE] [--version V] [--repo owner/name] [--out FILE]";

/** The formula's Ruby source; throws when SHA256SUMS lacks a macOS or Linux archive. */
export function renderFormula(inputs: PackageInputs): string {
  const { version, repo } = inputs;
  const block = (indent: string, target: Target) => {
    const { file, sha256 } = archiveFor(inputs, target);
    return [
      `${indent}url "${releaseAssetUrl(repo, version, file)}"`,
      `${indent}sha256 "${sha256}"`,
    ].join("\n");
  };
  const platform = (name: string, arm: Target, intel: Target) =>
    [
      `  ${name} do`,
      "    on_arm do",
      block("      ", arm),
      "    end",
      "    on_intel do",
      block("      ", intel),
      "    end",
      "  end",
    ].join("\n");
  return [
    "class AwsSsoUtil < Formula",
    `  desc "${DESCRIPTION}"`,
    `  homepage "https://github.com/${repo}"`,
    `  version "${version}"`,
    `  license "${LICENSE_ID}"`,
    "",
    platform("on_macos", "aarch64-apple-darwin", "x86_64-apple-darwin"),
    "",
    platform("on_linux", "aarch64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"),
    "",
    "  def install",
    `    bin.install "${BIN_NAME}"`,
    "  end",
    "",
    "  test do",
    `    assert_match version.to_s, shell_output("#{bin}/${BIN_NAME} --version")`,
    "  end",
    "end",
    "",
  ].join("\n");
}

if (import.meta.main) Deno.exit(await runRenderer(Deno.args, USAGE, renderFormula));
