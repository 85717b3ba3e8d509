/** `aws-sso-util completions`: scripts for each shell, generated from the registered commands. */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { runCli, TempHome } from "./helpers.ts";
import { hasCommand } from "./script_helpers.ts";
import { knownRegions } from "../src/config/partitions.ts";

/** Completes `words` (the last one being completed) with the bash script; returns COMPREPLY. */
async function bashComplete(script: string, words: string[], home: TempHome): Promise<string[]> {
  const file = `${home.dir}/completion.bash`;
  await Deno.writeTextFile(file, script);
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const out = await new Deno.Command("bash", {
    args: [
      "-c",
      `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=${
        words.length - 1
      }; _aws_sso_util; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    env: { HOME: home.dir, AWS_CONFIG_FILE: home.configPath },
  }).output();
  assertEquals(new TextDecoder().decode(out.stderr), "");
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "");
}

Deno.test("completions bash completes commands, flags and profile names", async () => {
  await using home = await TempHome.create();
  const result = await runCli(["completions", "bash"], { home });
  assertEquals(result.code, 0);
  assertEquals(result.stderr, "");
  await home.writeConfig("[default]\nregion = us-east-1\n[profile dev]\n[profile prod]\n");
  const commands = await bashComplete(result.stdout, ["aws-sso-util", ""], home);
  assert(commands.includes("credential-process"), commands.join(" "));
  assert(commands.includes("completions"));
  const flags = await bashComplete(
    result.stdout,
    ["aws-sso-util", "credential-process", "--"],
    home,
  );
  for (
    const flag of ["--profile", "--sso-start-url", "--start-url", "--force-refresh", "--debug"]
  ) {
    assert(flags.includes(flag), `${flag} missing from ${flags.join(" ")}`);
  }
  const profiles = await bashComplete(
    result.stdout,
    ["aws-sso-util", "credential-process", "--profile", ""],
    home,
  );
  assertEquals(profiles.sort(), ["default", "dev", "prod"]);
  // Values: regions (the partition data's), choices, profiles, the shells of `completions`.
  const complete = (...words: string[]) =>
    bashComplete(result.stdout, ["aws-sso-util", ...words], home);
  assertEquals(await complete("login", "--sso-region", "eu-west-"), [
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
  ]);
  const regions = knownRegions().map((r) => r.name).sort();
  assertEquals((await complete("configure", "populate", "-r", "")).sort(), regions);
  assertEquals((await complete("console", "launch", "--region", "")).sort(), regions);
  assertEquals(await complete("roles", "--sort-by", ""), [
    "id,role",
    "name,role",
    "role,id",
    "role,name",
  ]);
  assertEquals(await complete("configure", "profile", "x", "-o", "yaml"), ["yaml", "yaml-stream"]);
  assertEquals((await complete("check", "--check-profile", "")).sort(), ["default", "dev", "prod"]);
  assertEquals(await complete("completions", "f"), ["fish"]);
  assertEquals(await complete("check", "--command", ""), ["default", "configure", "login"]);
});

Deno.test("completions prints a script for zsh, fish and powershell that their shells accept", async () => {
  await using home = await TempHome.create();
  for (
    const [shell, checker, args] of [
      ["zsh", "zsh", ["-n"]],
      ["fish", "fish", ["--no-execute"]],
      ["powershell", "pwsh", ["-NoProfile", "-Command"]],
    ] as const
  ) {
    const result = await runCli(["completions", shell], { home });
    assertEquals(result.code, 0, shell);
    assertMatch(result.stdout, /credential-process/);
    assertMatch(result.stdout, /--force-refresh|force-refresh/);
    if (shell !== "powershell" && await hasCommand(checker, ["--version"])) {
      const file = `${home.dir}/completion.${shell}`;
      await Deno.writeTextFile(file, result.stdout);
      const check = await new Deno.Command(checker, { args: [...args, file] }).output();
      assertEquals(new TextDecoder().decode(check.stderr), "", `${shell} syntax`);
      assert(check.success, `${shell} rejected the script`);
    }
  }
});

Deno.test("completions rejects an unknown shell with exit 2", async () => {
  await using home = await TempHome.create();
  const result = await runCli(["completions", "tcsh"], { home });
  assertEquals(result.code, 2);
  assertEquals(result.stderr, "Unknown shell tcsh; choose one of bash, zsh, fish, powershell.\n");
});

Deno.test({
  name: "completions fish completes commands, profiles and values, each value with its description",
  ignore: !(await hasCommand("fish", ["--version"])),
  async fn() {
    await using home = await TempHome.create();
    const result = await runCli(["completions", "fish"], { home });
    const file = `${home.dir}/completion.fish`;
    await Deno.writeTextFile(file, result.stdout);
    await home.writeConfig("[profile dev]\n[profile prod]\n");
    const complete = async (line: string) => {
      const out = await new Deno.Command("fish", {
        args: ["--no-config", "-c", `source ${file}; complete -C '${line}'`],
        env: { HOME: home.dir },
      }).output();
      return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).map((l) =>
        l.split("\t")[0]
      );
    };
    assert((await complete("aws-sso-util ")).includes("credential-process"));
    assertEquals(await complete("aws-sso-util credential-process --profile "), ["dev", "prod"]);
    // One description per value (never the option's help), and never a file name.
    const described = async (line: string) => {
      const out = await new Deno.Command("fish", {
        args: ["--no-config", "-c", `source ${file}; complete -C '${line}'`],
        env: { HOME: home.dir },
        cwd: home.dir,
      }).output();
      return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
    };
    await Deno.writeTextFile(`${home.dir}/us-file`, "");
    await Deno.writeTextFile(`${home.dir}/bash-file`, "");
    const us = knownRegions().filter((r) => r.name.startsWith("us-"));
    assertEquals(
      (await described("aws-sso-util login --sso-region us")).sort(),
      us.map((r) => `${r.name}\t${r.description}`).sort(),
    );
    assertEquals(await described("aws-sso-util roles --sort-by role,"), [
      "role,id\tby role, then account id",
      "role,name\tby role, then account name",
    ]);
    assertEquals(await described("aws-sso-util configure profile x -o t"), ["table", "text"]);
    assertEquals(await described("aws-sso-util check --check-profile p"), ["prod\tprofile"]);
    assertEquals(await described("aws-sso-util completions b"), [
      "bash\tsource <(aws-sso-util completions bash)",
    ]);
    assertEquals(await described("aws-sso-util configure populate --existing-config-action k"), [
      "keep",
    ]);
  },
});
