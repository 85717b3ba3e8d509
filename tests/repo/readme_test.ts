/**
 * The README and the documentation in docs/ (and CONTRIBUTING.md) stay in step with the code: the
 * explicit permission flags match deno.json's permission set, every command and flag is
 * documented, every link resolves, and the README stays short.
 */
import { assert, assertEquals } from "../assert.ts";
import { permissionFlags, readPermissionSet } from "../../scripts/permissions.ts";
import { COMPILE_ENTRY, RELEASE_PERMISSION_SET } from "../../scripts/release_info.ts";
import { buildProgram } from "../../src/cli.ts";
import { type CommandTable, EXIT_CODES, ExitCode, FAILURE_CODES } from "../../src/base/errors.ts";
import { REPO_ROOT as REPO_DIR } from "../script_helpers.ts";
import { systemRuntime } from "../../src/system_runtime.ts";

const README = "README.md";
const README_MAX_BYTES = 12_000;

/** README.md, CONTRIBUTING.md and every docs/*.md, by path relative to the repository. */
async function documents(): Promise<Map<string, string>> {
  const docs = new Map<string, string>();
  docs.set(README, await Deno.readTextFile(`${REPO_DIR}/${README}`));
  docs.set("CONTRIBUTING.md", await Deno.readTextFile(`${REPO_DIR}/CONTRIBUTING.md`));
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${REPO_DIR}/docs`)) {
    if (entry.isFile && entry.name.endsWith(".md")) names.push(entry.name);
  }
  for (const name of names.sort()) {
    docs.set(`docs/${name}`, await Deno.readTextFile(`${REPO_DIR}/docs/${name}`));
  }
  return docs;
}

/**
 * The command lines in `text` that run or install the tool with explicit permission flags
 * (`deno run …/main.ts`, `deno install --compile …/aws-sso-util.ts`, also inside a
 * `credential_process = …` line), continuation lines joined.
 */
function toolCommandLines(text: string): string[] {
  return text.replace(/\\\n\s*/g, "").split("\n").filter((line) =>
    /\bdeno (run|install)\b/.test(line) && /\/(main|aws-sso-util)\.ts\b/.test(line) &&
    line.includes("--allow-")
  );
}

/** The `--allow-KIND[=…]` flags of a command line, quotes removed. */
function allowFlags(line: string): string[] {
  return [...line.matchAll(/(?:^|\s)(--allow-[a-z]+(?:='[^']*'|=[^\s']*)?)/g)]
    .map((m) => m[1].replaceAll("'", ""));
}

Deno.test("README and docs install and run lines grant exactly the declared permission sets", async () => {
  const docs = await documents();
  const narrow = permissionFlags(await readPermissionSet());
  const binary = permissionFlags(await readPermissionSet(undefined, RELEASE_PERMISSION_SET));
  const counts = { compile: 0, run: 0 };
  for (const [path, text] of docs) {
    for (const line of toolCommandLines(text)) {
      const flags = allowFlags(line);
      if (/\bdeno install\b/.test(line)) {
        // A compiled install is the release binary built locally: exactly its set.
        assert(line.includes("--compile"), `${path}: deno install without --compile: ${line}`);
        assert(line.includes(`/${COMPILE_ENTRY}`), `${path}: compile ${COMPILE_ENTRY}: ${line}`);
        assertEquals(
          flags.sort(),
          binary.filter((f) => f.startsWith("--allow-")).sort(),
          `${path}: ${line}`,
        );
        if (path === README) counts.compile++;
      } else {
        // `deno run` gets the default set; file access may be narrowed to ~/.aws.
        const kinds = (f: string[]) => f.filter((x) => !/^--allow-(read|write)\b/.test(x)).sort();
        assertEquals(kinds(flags), kinds(narrow), `${path}: ${line}`);
        for (const kind of ["read", "write"]) {
          assert(flags.some((f) => f.startsWith(`--allow-${kind}`)), `${path}: ${kind}: ${line}`);
        }
        if (path === README) counts.run++;
      }
    }
  }
  assert(counts.compile >= 1, "README shows no deno install --compile line");
  assert(counts.run >= 1, "README shows no deno run line for credential_process");
  for (const [path, text] of docs) {
    assert(!/(^|\s)(-A|--allow-all)(\s|$)/m.test(text), `${path} must never use -A`);
  }
});

Deno.test("README stays short enough to read in two minutes", async () => {
  const size = (await Deno.readFile(`${REPO_DIR}/${README}`)).byteLength;
  assert(size < README_MAX_BYTES, `README.md is ${size} bytes; keep it under ${README_MAX_BYTES}`);
});

/** Relative link targets (`[text](target)`) of a markdown text, without their `#fragment`. */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1])
    .filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith("#"))
    .map((t) => t.replace(/#.*$/, ""));
}

Deno.test("every relative link in README, CONTRIBUTING and docs/ names an existing file", async () => {
  const docs = await documents();
  const readmeDocLinks = relativeLinks(docs.get(README)!).filter((t) => t.startsWith("docs/"));
  assert(readmeDocLinks.length >= 8, `README links to only ${readmeDocLinks.length} docs pages`);
  for (const [path, text] of docs) {
    const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
    for (const target of relativeLinks(text)) {
      const resolved = new URL(target, `file:///repo/${dir}`).pathname.replace(/^\/repo\//, "");
      const exists = await Deno.stat(`${REPO_DIR}/${resolved}`).then(() => true, () => false);
      assert(exists, `${path} links to ${target}, which does not exist`);
    }
  }
});

/** Every registered command (path such as "configure profile") with its options and arguments. */
interface CommandInfo {
  path: string;
  flags: string[];
  args: string[];
}

function registeredCommands(): CommandInfo[] {
  const found: CommandInfo[] = [];
  // commander's Command: only the members read here.
  type Cmd = {
    name(): string;
    commands: Cmd[];
    options: { short?: string; long?: string }[];
    registeredArguments: { name(): string }[];
  };
  const walk = (command: Cmd, prefix: string) => {
    for (const sub of command.commands) {
      const path = `${prefix} ${sub.name()}`.trim();
      const flags = sub.options.flatMap((o) => [o.short, o.long]).filter((f): f is string =>
        Boolean(f)
      );
      found.push({ path, flags, args: sub.registeredArguments.map((a) => a.name()) });
      walk(sub, path);
    }
  };
  walk(buildProgram(systemRuntime()) as unknown as Cmd, "");
  return found;
}

/** docs/<first word of the command>.md, e.g. docs/configure.md for "configure profile". */
const docFor = (path: string) => `docs/${path.split(" ")[0]}.md`;

Deno.test("README lists every command, one line each, linking to its page in docs/", async () => {
  const docs = await documents();
  const readme = docs.get(README)!;
  const commands = registeredCommands().filter((c) => c.flags.length > 0 || c.args.length > 0);
  assert(commands.length >= 6, `only ${commands.length} commands registered`);
  for (const { path } of commands) {
    const item = readme.split("\n").find((l) => l.startsWith(`- [\`${path}\`](${docFor(path)})`));
    assert(item, `README's command list has no line "- [\`${path}\`](${docFor(path)})"`);
    assert(docs.has(docFor(path)), `${docFor(path)} is missing`);
  }
});

Deno.test("every flag, alias and argument of every command is documented on its docs/ page", async () => {
  const docs = await documents();
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const { path, flags, args } of registeredCommands()) {
    const text = docs.get(docFor(path));
    if (flags.length === 0 && args.length === 0) continue; // a group such as "configure"
    assert(text, `${docFor(path)} is missing`);
    for (const flag of flags) {
      const mentioned = new RegExp(`(^|[\\s\`(\\[|,/])${escape(flag)}(?![\\w-])`, "m").test(text);
      assert(mentioned, `${docFor(path)} does not document ${path} ${flag}`);
    }
    for (const arg of args) {
      // Upper-case placeholders appear as such; the shell of `completions` is listed by name.
      const words = arg === arg.toUpperCase() ? [arg] : ["bash", "zsh", "fish", "powershell"];
      for (const word of words) {
        assert(text.includes(word), `${docFor(path)} does not document ${path}'s ${word}`);
      }
    }
  }
});

/** The codes of the `| code | meaning |` table that follows "## Exit codes" in a page. */
function exitCodeTable(text: string): number[] {
  const section = text.split(/^## Exit codes\s*$/m)[1] ?? "";
  return [...section.split(/^## /m)[0].matchAll(/^\|\s*(\d+)\s*\|/gm)].map((m) => Number(m[1]));
}

Deno.test("every command's exit codes are documented in docs/", async () => {
  const docs = await documents();
  // A page's table lists 0 and every code its commands' tables give a kind of failure (a failure
  // nobody foresaw, `unexpected`, is documented once in docs/errors.md).
  const pages: [string, CommandTable[]][] = [
    ["docs/credential-process.md", ["credentialProcess"]],
    ["docs/login.md", ["login"]],
    ["docs/logout.md", ["logout"]],
    ["docs/configure.md", ["configure", "configurePopulate"]],
    ["docs/roles.md", ["roles"]],
    ["docs/status.md", ["status"]],
    ["docs/export.md", ["export"]],
    ["docs/serve.md", ["serve"]],
    ["docs/run-as.md", ["runAs"]],
    ["docs/console.md", ["console"]],
    ["docs/check.md", ["check"]],
  ];
  for (const [page, tables] of pages) {
    const codes = new Set([0]);
    for (const table of tables) {
      for (const [kind, code] of Object.entries(FAILURE_CODES[table])) {
        if (kind !== "unexpected") codes.add(code!);
      }
    }
    assertEquals(exitCodeTable(docs.get(page)!), [...codes].sort((a, b) => a - b), page);
  }
  // The named codes agree with the tables.
  assertEquals(
    exitCodeTable(docs.get("docs/credential-process.md")!),
    Object.values(ExitCode).sort((a, b) => a - b),
  );
  assertEquals(exitCodeTable(docs.get("docs/run-as.md")!), Object.values(EXIT_CODES.runAs));
  assertEquals(
    exitCodeTable(docs.get("docs/check.md")!),
    Object.values(EXIT_CODES.check).sort((a, b) => a - b),
  );
  assert(
    /exits\s+with\s+code\s+2/.test(docs.get("docs/completions.md")!),
    "completions: exit code 2",
  );
  const errors = docs.get("docs/errors.md")!;
  assert(/usage\s+error.*exit\s+code\s+2/s.test(errors), "errors.md: usage errors exit with 2");
  assert(/exit\s+0/.test(errors), "errors.md: help and a closed stdout exit with 0");
});

Deno.test("every `docs/formats.md §N` cited in the code names a section of docs/formats.md", async () => {
  const formats = await Deno.readTextFile(`${REPO_DIR}/docs/formats.md`);
  const sections = new Set(
    [...formats.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]),
  );
  assert(sections.has("1.1") && sections.has("7"), "docs/formats.md lost its numbered sections");
  let citations = 0;
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(`${REPO_DIR}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(`${REPO_DIR}/${path}`);
        // "docs/formats.md §1.1, §1.4, §3": every number after the file name.
        for (const m of text.matchAll(/docs\/formats\.md ((?:§[\d.]*\d(?:, )?)+)/g)) {
          for (const section of m[1].matchAll(/§([\d.]*\d)/g)) {
            citations++;
            assert(sections.has(section[1]), `${path} cites docs/formats.md §${section[1]}`);
          }
        }
      }
    }
  };
  for (const dir of ["src", "tests", "scripts"]) await walk(dir);
  assert(citations >= 20, `only ${citations} citations of docs/formats.md found`);
});

Deno.test("README's first commands for a newcomer are deno task demo and .ci/run, both run by CI", async () => {
  const readme = await Deno.readTextFile(`${REPO_DIR}/${README}`);
  const tryIt = readme.split(/^## /m).find((s) => s.startsWith("Try it"));
  assert(tryIt, "README has no Try it section");
  assert(readme.indexOf("## Try it") < readme.indexOf("## Install"), "Try it comes first");
  const commands = [...tryIt.matchAll(/^(deno task \w+|\.ci\/run)\b/gm)].map((m) => m[1]);
  assertEquals(commands, ["deno task demo", ".ci/run"]);
  const tasks = JSON.parse(await Deno.readTextFile(`${REPO_DIR}/deno.json`)).tasks;
  assert(tasks.demo?.startsWith("deno run --no-prompt --allow-"), tasks.demo);
  const ci = await Deno.readTextFile(`${REPO_DIR}/.github/workflows/ci.yml`);
  assert(/^ {6}- run: \.ci\/run$/m.test(ci), "CI runs .ci/run");
  assert(/^ {6}- run: .*deno task demo$/m.test(ci), "CI runs deno task demo");
  // The suite runs the demo too (tests/demo_test.ts), so every CI job exercises it.
  assert((await Deno.stat(`${REPO_DIR}/tests/demo_test.ts`)).isFile);
});

Deno.test("docs/settings.md names every AWS setting the client reads, variable and profile key", async () => {
  const { CLIENT_SETTING_NAMES } = await import("../../src/config/client_settings.ts");
  const page = await Deno.readTextFile(`${REPO_DIR}/docs/settings.md`);
  for (const { env, key } of CLIENT_SETTING_NAMES) {
    assert(page.includes(`\`${env}\``), `docs/settings.md lacks ${env}`);
    assert(page.includes(`\`${key}\``), `docs/settings.md lacks ${key}`);
  }
  for (
    const name of ["AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CA_BUNDLE"]
  ) {
    assert(page.includes(name), `docs/settings.md lacks ${name}`);
  }
  const readme = await Deno.readTextFile(`${REPO_DIR}/${README}`);
  assert(readme.includes("(docs/settings.md)"), "README links docs/settings.md");
});

Deno.test("README and docs show no end-of-life SDK (the JS SDK v2 package aws-sdk)", async () => {
  for (const [path, text] of await documents()) {
    assert(!/(require\(|from\s+)['"]aws-sdk['"/]/.test(text), `${path} uses the JS SDK v2`);
  }
});
