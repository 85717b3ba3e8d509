/**
 * Release facts shared by the packaging scripts: the compile targets, the names of the
 * release artifacts and the GitHub repository they are published from.
 *
 * @module
 */

/** Every target `deno compile --target` accepts (Deno 2.9). */
export const KNOWN_TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
  "aarch64-pc-windows-msvc",
] as const;

/** A target name `deno compile --target` accepts. */
export type Target = typeof KNOWN_TARGETS[number];

/**
 * Modules main.ts loads through a non-literal dynamic import (to keep them out of the start-up
 * module graph); `deno compile` only embeds them because {@link COMPILE_ENTRY} imports them
 * literally.
 */
export const LAZY_MODULES: readonly string[] = [
  "src/cli.ts",
  "src/login/auto_login.ts",
  "src/commands/status.ts",
  "src/net/sigv4.ts",
  "src/commands/chain_credentials.ts",
];

/**
 * The module binaries are compiled from: main.ts's `main()`, plus literal imports of
 * {@link LAZY_MODULES} so that `deno compile` and `deno install --compile` embed them.
 */
export const COMPILE_ENTRY = "aws-sso-util.ts";

/** The targets a release ships, in the order they are built: every target Deno can build. */
export const RELEASE_TARGETS: readonly Target[] = KNOWN_TARGETS;

/**
 * The deno.json permission set the release binaries are compiled with: `run-as` (the default set
 * with `run` of any program), so that every command, `run-as` included, works in the binary
 * users install (docs/permissions.md).
 */
export const RELEASE_PERMISSION_SET = "run-as";

/** The command name, and the name of the binary inside every archive. */
export const BIN_NAME = "aws-sso-util";

/** One-line description used by the Homebrew formula and the Scoop manifest. */
export const DESCRIPTION =
  "Make AWS IAM Identity Center (SSO) credentials easy to use from the CLI";

/** SPDX identifier of the license in LICENSE. */
export const LICENSE_ID = "MIT";

/** Repository used when neither `--repo` nor `GITHUB_REPOSITORY` says otherwise. */
export const DEFAULT_REPO = "aws-sso-util/aws-sso-util-deno";

/** Whether `name` is a target `deno compile` accepts. */
export function isKnownTarget(name: string): name is Target {
  return (KNOWN_TARGETS as readonly string[]).includes(name);
}

/** Whether binaries for `target` are Windows executables. */
export function isWindowsTarget(target: Target): boolean {
  return target.endsWith("-windows-msvc");
}

/** The target matching the machine this runs on (`Deno.build.target`). */
export function hostTarget(): Target {
  const target = Deno.build.target;
  if (!isKnownTarget(target)) {
    throw new Error(`deno compile cannot build for this machine's target "${target}".`);
  }
  return target;
}

/** `aws-sso-util-<version>-<target>`: the archive's top folder and the stem of every artifact. */
export function artifactStem(version: string, target: Target): string {
  return `${BIN_NAME}-${version}-${target}`;
}

/** File name of the compiled binary for `target` (`.exe` on Windows). */
export function binaryFileName(version: string, target: Target): string {
  return artifactStem(version, target) + (isWindowsTarget(target) ? ".exe" : "");
}

/** File name of the release archive for `target`: `.zip` on Windows, `.tar.gz` elsewhere. */
export function archiveFileName(version: string, target: Target): string {
  return artifactStem(version, target) + (isWindowsTarget(target) ? ".zip" : ".tar.gz");
}

/** Download URL of a release asset on GitHub. */
export function releaseAssetUrl(repo: string, version: string, fileName: string): string {
  return `https://github.com/${repo}/releases/download/v${version}/${fileName}`;
}

/**
 * The `owner/name` repository to publish from: `explicit` if given, else `GITHUB_REPOSITORY`,
 * else {@link DEFAULT_REPO}. Throws when the name is not of the form `owner/name`.
 */
export function resolveRepo(explicit?: string): string {
  const repo = explicit ?? envOrUndefined("GITHUB_REPOSITORY") ?? DEFAULT_REPO;
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) {
    throw new Error(`Repository "${repo}" is not of the form owner/name.`);
  }
  return repo;
}

function envOrUndefined(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no env permission: fall back to the default
  }
}
