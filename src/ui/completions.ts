/**
 * Shell completion scripts (bash, zsh, fish, PowerShell) generated from the command tree, so that
 * every command and flag registered in the CLI is completed without a hand-kept list; option
 * values (regions, profiles, fixed choices) and a command's argument values come from named
 * value sets, each described value by value, and are never completed as file names.
 */
import { singleQuote } from "../base/shell_quote.ts";

/** One value to offer, with what it means (a region's name, a format's meaning). */
export interface CompletionValue {
  value: string;
  description?: string;
}

/** The value set of the profiles in the AWS config file (read when completing). */
export const PROFILES = "profiles";

/** One option of a command. */
export interface CompletionOption {
  /** Long and short names, e.g. `["--profile"]`, `["-a", "--account-id"]`. */
  names: string[];
  description: string;
  takesValue: boolean;
  /** The values offered: the name of a set of {@link CompletionModel.valueSets}, or PROFILES. */
  values?: string;
}

/** A command (or the program itself) with its options and subcommands. */
export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  subcommands: CompletionCommand[];
  /** The values of its (first) argument: a value set's name. */
  argumentValues?: string;
}

/** The command tree and the value sets its options name. */
export interface CompletionModel {
  root: CompletionCommand;
  /** Set name (letters, digits, `_`) → its values. */
  valueSets: Record<string, CompletionValue[]>;
}

export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = typeof SHELLS[number];

/** Every command path (e.g. `["configure", "profile"]`) with its node, depth first. */
function walk(root: CompletionCommand): [string[], CompletionCommand][] {
  const out: [string[], CompletionCommand][] = [];
  const visit = (node: CompletionCommand, path: string[]) => {
    out.push([path, node]);
    for (const sub of node.subcommands) visit(sub, [...path, sub.name]);
  };
  visit(root, []);
  return out;
}

const PROFILES_SH =
  `sed -n -e 's/^[[:space:]]*\\[profile[[:space:]]*\\([^]]*\\)\\].*/\\1/p' -e 's/^[[:space:]]*\\[\\(default\\)\\].*/\\1/p' "\${AWS_CONFIG_FILE:-$HOME/.aws/config}" 2>/dev/null`;

/** The completion script for a shell. */
export function renderCompletion(shell: Shell, model: CompletionModel): string {
  switch (shell) {
    case "bash":
      return renderBash(model);
    case "zsh":
      return renderZsh(model);
    case "fish":
      return renderFish(model);
    case "powershell":
      return renderPowerShell(model);
  }
}

/** A shell identifier made of the program's name and `parts`. */
function ident(prog: string, ...parts: string[]): string {
  return `_${[prog, ...parts].join("_").replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function renderBash({ root, valueSets }: CompletionModel): string {
  const prog = root.name;
  const fn = ident(prog);
  const setVar = (set: string) => `${ident(prog, "values", set)}`;
  const wordsOf = (set: string) => set === PROFILES ? `$(${PROFILES_SH})` : `$${setVar(set)}`;
  const cases = walk(root).map(([path, node]) => {
    const words = [
      ...node.subcommands.map((s) => s.name),
      ...node.options.flatMap((o) => o.names),
    ].join(" ");
    const valueCases = node.options.filter((o) => o.takesValue).map((o) => {
      const values = o.values === undefined ? "" : wordsOf(o.values);
      return `        ${
        o.names.join("|")
      }) COMPREPLY=($(compgen -W "${values}" -- "$cur")); return 0;;`;
    }).join("\n");
    const argument = node.argumentValues === undefined ? "" : ` ${wordsOf(node.argumentValues)}`;
    return `    ${singleQuote(path.join(" "))})
      case "$prev" in
${valueCases || "        __none__) ;;"}
      esac
      COMPREPLY=($(compgen -W "${words.replace(/[$"`\\]/g, "\\$&")}${argument}" -- "$cur"))
      ;;`;
  }).join("\n");
  const subcommandsOf = walk(root).map(([path, node]) =>
    `    ${singleQuote(path.join(" "))}) subs=${
      singleQuote(node.subcommands.map((s) => s.name).join(" "))
    };;`
  ).join("\n");
  const sets = Object.entries(valueSets).map(([set, values]) =>
    `${setVar(set)}=${singleQuote(values.map((v) => v.value).join(" "))}`
  ).join("\n");
  return `# bash completion for ${prog}; load with: source <(${prog} completions bash)
${sets}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local path="" subs word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$path" in
${subcommandsOf}
      *) subs="";;
    esac
    if [[ " $subs " == *" $word "* ]]; then path="\${path:+$path }$word"; fi
  done
  case "$path" in
${cases}
  esac
}
complete -o default -F ${fn} ${prog}
`;
}

function zshEscape(text: string): string {
  return text.replace(/[[\]:'\\]/g, (c) => (c === "'" ? "'\\''" : `\\${c}`));
}

function renderZsh({ root, valueSets }: CompletionModel): string {
  const prog = root.name;
  const fn = ident(prog);
  const setFn = (set: string) => ident(prog, "values", set);
  const specOf = (o: CompletionOption) => {
    const names = o.names.length > 1 ? `{${o.names.join(",")}}` : o.names[0];
    const action = !o.takesValue
      ? ""
      : o.values !== undefined
      ? `:value:${setFn(o.values)}`
      : ":value:";
    return `    ${o.names.length > 1 ? "'(" + o.names.join(" ") + ")'" : ""}${names}'[${
      zshEscape(o.description)
    }]${action}'`;
  };
  const functions = walk(root).map(([path, node]) => {
    const name = ident(prog, ...path);
    const specs = node.options.map(specOf);
    if (node.subcommands.length > 0) {
      specs.push(`    '1:command:->command'`, `    '*::arg:->args'`);
    } else if (node.argumentValues !== undefined) {
      specs.push(`    '1:value:${setFn(node.argumentValues)}'`);
    }
    const dispatch = node.subcommands.length === 0 ? "" : `
  case $state in
    command)
      local -a commands
      commands=(
${
      node.subcommands.map((s) => `        '${zshEscape(s.name)}:${zshEscape(s.description)}'`)
        .join("\n")
    }
      )
      _describe command commands
      ;;
    args)
      case $words[1] in
${node.subcommands.map((s) => `        ${s.name}) ${ident(prog, ...path, s.name)} ;;`).join("\n")}
      esac
      ;;
  esac`;
    return `${name}() {
  local state
  _arguments -s \\
${specs.join(" \\\n") || "    '*:file:_files'"}${dispatch}
}`;
  }).join("\n\n");
  const sets = Object.entries(valueSets).map(([set, values]) =>
    `${setFn(set)}() {
  local -a values
  values=(
${
      values.map((v) =>
        `    '${zshEscape(v.value)}${v.description ? `:${zshEscape(v.description)}` : ""}'`
      ).join("\n")
    }
  )
  _describe value values
}`
  ).join("\n\n");
  return `#compdef ${prog}
# zsh completion for ${prog}; load with: source <(${prog} completions zsh)

${setFn(PROFILES)}() {
  local -a profiles
  profiles=(\${(f)"$(${PROFILES_SH})"})
  _describe profile profiles
}

${sets}

${functions}

if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${prog}
fi
`;
}

function renderFish({ root, valueSets }: CompletionModel): string {
  const prog = root.name;
  const setFn = (set: string) => `_${ident(prog, "values", set)}`;
  const lines = [
    `# fish completion for ${prog}; load with: ${prog} completions fish | source`,
    `complete -c ${prog} -f`,
    `function ${setFn(PROFILES)}`,
    "    set -l file $HOME/.aws/config",
    "    set -q AWS_CONFIG_FILE; and set file $AWS_CONFIG_FILE",
    `    for name in (${PROFILES_SH.replace('"${AWS_CONFIG_FILE:-$HOME/.aws/config}"', "$file")})`,
    "        printf '%s\\tprofile\\n' $name",
    "    end",
    "end",
  ];
  // Each value with its own description (or none): never the option's help, never file names.
  for (const [set, values] of Object.entries(valueSets)) {
    lines.push(
      `function ${setFn(set)}`,
      ...values.map((v) =>
        `    printf '%s\\t%s\\n' ${singleQuote(v.value)} ${singleQuote(v.description ?? "")}`
      ),
      "end",
    );
  }
  const all = walk(root).flatMap(([path]) => path);
  for (const [path, node] of walk(root)) {
    const condition = path.length === 0
      ? `not __fish_seen_subcommand_from ${[...new Set(all)].join(" ")}`
      : `__fish_seen_subcommand_from ${path.at(-1)}` +
        (node.subcommands.length
          ? `; and not __fish_seen_subcommand_from ${node.subcommands.map((s) => s.name).join(" ")}`
          : "");
    for (const sub of node.subcommands) {
      lines.push(
        `complete -c ${prog} -n ${singleQuote(condition)} -a ${sub.name} -d ${
          singleQuote(sub.description)
        }`,
      );
    }
    if (node.argumentValues !== undefined) {
      lines.push(
        `complete -c ${prog} -n ${singleQuote(condition)} -x -a '(${setFn(node.argumentValues)})'`,
      );
    }
    for (const o of node.options) {
      const names = o.names.map((
        n,
      ) => (n.startsWith("--") ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`));
      const value = !o.takesValue
        ? ""
        : o.values !== undefined
        ? ` -x -a '(${setFn(o.values)})'`
        : " -r";
      lines.push(
        `complete -c ${prog} -n ${singleQuote(condition)} ${names.join(" ")}${value} -d ${
          singleQuote(o.description)
        }`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

function renderPowerShell({ root, valueSets }: CompletionModel): string {
  const prog = root.name;
  const ps = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const entries = walk(root).map(([path, node]) => {
    const words = [
      ...node.subcommands.map((s) => s.name),
      ...node.options.flatMap((o) => o.names),
    ];
    return `    ${ps(path.join(" "))} = @(${words.map(ps).join(", ")})`;
  }).join("\n");
  // "path|--option" (or "path|" for the argument) → the name of its value set.
  const valueOf = walk(root).flatMap(([path, node]) => [
    ...node.options.filter((o) => o.values !== undefined).flatMap((o) =>
      o.names.map((n) => `    ${ps(`${path.join(" ")}|${n}`)} = ${ps(o.values!)}`)
    ),
    ...(node.argumentValues === undefined
      ? []
      : [`    ${ps(`${path.join(" ")}|`)} = ${ps(node.argumentValues)}`]),
  ]).join("\n");
  const sets = Object.entries(valueSets).map(([set, values]) =>
    `    ${ps(set)} = @(${values.map((v) => ps(v.value)).join(", ")})`
  ).join("\n");
  return `# PowerShell completion for ${prog}; load with: ${prog} completions powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName ${ps(prog)}, ${ps(`${prog}.exe`)} -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $tree = @{
${entries}
  }
  $valueOf = @{
${valueOf}
  }
  $sets = @{
${sets}
  }
  $path = @()
  $prev = ''
  foreach ($element in $commandAst.CommandElements | Select-Object -Skip 1) {
    $text = $element.ToString()
    if ($text -eq $wordToComplete) { break }
    $candidate = (@($path) + $text) -join ' '
    if ($tree.ContainsKey($candidate)) { $path += $text }
    $prev = $text
  }
  $key = ($path -join ' ') + '|' + $prev
  $words = $tree[($path -join ' ')] + $sets[$valueOf[($path -join ' ') + '|']]
  if ($valueOf.ContainsKey($key)) {
    $set = $valueOf[$key]
    if ($set -eq ${ps(PROFILES)}) {
      $file = if ($env:AWS_CONFIG_FILE) { $env:AWS_CONFIG_FILE } else { Join-Path $HOME '.aws/config' }
      $words = Get-Content -ErrorAction SilentlyContinue $file | ForEach-Object {
        if ($_ -match '^\\s*\\[profile\\s*([^\\]]*)\\]') { $Matches[1] } elseif ($_ -match '^\\s*\\[(default)\\]') { $Matches[1] }
      }
    } else {
      $words = $sets[$set]
    }
  }
  $words | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}
