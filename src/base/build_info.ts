/**
 * What a release build bakes in: the target it was compiled for and the commit it was built
 * from. Under `deno run` (and in binaries users compile themselves) both are undefined.
 *
 * `deno task compile` does not edit this file: it compiles each target with an import map that
 * replaces this module by a generated one of the same shape holding the real values
 * (`buildInfoModule` in scripts/compile.ts). So this module must hold nothing but these two
 * constants.
 *
 * @module
 */

/** The `deno compile --target` the binary was built for. */
export const BUILD_TARGET: string | undefined = undefined;

/** The git commit the binary was built from. */
export const BUILD_COMMIT: string | undefined = undefined;
