/**
 * Shell completion scripts (bash, zsh, fish, PowerShell) generated from the command tree, so that
 * every command and flag registered in the CLI is completed without a hand-kept list.
 */
import { singleQuote } from "./shell_quote.ts";

/** One option of a command. */
export interface CompletionOption {
  /** Long and short names, e.g. `["--profile"]`, `["-a", "--account-id"]`. */
  names: string[];
  description: string;
  takesValue: boolean;
  /** Fixed values (e.g. `keep`, `overwrite`, `discard`). */
  choices?: string[];
  /** The value is a profile name from the AWS config file. */
  profileValue: boolean;
}

/** A command (or the program itself) with its options and subcommands. */
export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  subcommands: CompletionCommand[];
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
export function renderCompletion(shell: Shell, root: CompletionCommand): string {
  switch (shell) {
    case "bash":
      return renderBash(root);
    case "zsh":
      return renderZsh(root);
    case "fish":
      return renderFish(root);
    case "powershell":
      return renderPowerShell(root);
  }
}

function renderBash(root: CompletionCommand): string {
  const prog = root.name;
  const fn = `_${prog.replace(/[^A-Za-z0-9]/g, "_")}`;
  const cases = walk(root).map(([path, node]) => {
    const words = [
      ...node.subcommands.map((s) => s.name),
      ...node.options.flatMap((o) => o.names),
    ].join(" ");
    const valueOpts = node.options.filter((o) => o.takesValue);
    const valueCases = valueOpts.map((o) => {
      const values = o.profileValue ? `$(${PROFILES_SH})` : o.choices ? o.choices.join(" ") : "";
      return `        ${
        o.names.join("|")
      }) COMPREPLY=($(compgen -W "${values}" -- "$cur")); return 0;;`;
    }).join("\n");
    return `    ${singleQuote(path.join(" "))})
      case "$prev" in
${valueCases || "        __none__) ;;"}
      esac
      COMPREPLY=($(compgen -W ${singleQuote(words)} -- "$cur"))
      ;;`;
  }).join("\n");
  const subcommandsOf = walk(root).map(([path, node]) =>
    `    ${singleQuote(path.join(" "))}) subs=${
      singleQuote(node.subcommands.map((s) => s.name).join(" "))
    };;`
  ).join("\n");
  return `# bash completion for ${prog}; load with: source <(${prog} completions bash)
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

function renderZsh(root: CompletionCommand): string {
  const prog = root.name;
  const fn = `_${prog.replace(/[^A-Za-z0-9]/g, "_")}`;
  const functions = walk(root).map(([path, node]) => {
    const name = [fn, ...path].join("_").replace(/[^A-Za-z0-9_]/g, "_");
    const specs = node.options.map((o) => {
      const names = o.names.length > 1 ? `{${o.names.join(",")}}` : o.names[0];
      const action = !o.takesValue
        ? ""
        : o.profileValue
        ? `:profile:${fn}_profiles`
        : o.choices
        ? `:value:(${o.choices.join(" ")})`
        : ":value:";
      return `    ${o.names.length > 1 ? "'(" + o.names.join(" ") + ")'" : ""}${names}'[${
        zshEscape(o.description)
      }]${action}'`;
    });
    if (node.subcommands.length > 0) {
      specs.push(`    '1:command:->command'`, `    '*::arg:->args'`);
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
${
      node.subcommands.map((s) =>
        `        ${s.name}) ${[name, s.name].join("_").replace(/[^A-Za-z0-9_]/g, "_")} ;;`
      ).join("\n")
    }
      esac
      ;;
  esac`;
    return `${name}() {
  local state
  _arguments -s \\
${specs.join(" \\\n") || "    '*:file:_files'"}${dispatch}
}`;
  }).join("\n\n");
  return `#compdef ${prog}
# zsh completion for ${prog}; load with: source <(${prog} completions zsh)

${fn}_profiles() {
  local -a profiles
  profiles=(\${(f)"$(${PROFILES_SH})"})
  _describe profile profiles
}

${functions}

if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${prog}
fi
`;
}

function renderFish(root: CompletionCommand): string {
  const prog = root.name;
  const lines = [
    `# fish completion for ${prog}; load with: ${prog} completions fish | source`,
    `complete -c ${prog} -f`,
    `function __${prog.replace(/-/g, "_")}_profiles`,
    "    set -l file $HOME/.aws/config",
    "    set -q AWS_CONFIG_FILE; and set file $AWS_CONFIG_FILE",
    `    ${PROFILES_SH.replace('"${AWS_CONFIG_FILE:-$HOME/.aws/config}"', "$file")}`,
    "end",
  ];
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
    for (const o of node.options) {
      const names = o.names.map((
        n,
      ) => (n.startsWith("--") ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`));
      const value = !o.takesValue
        ? ""
        : o.profileValue
        ? ` -x -a '(__${prog.replace(/-/g, "_")}_profiles)'`
        : o.choices
        ? ` -x -a ${singleQuote(o.choices.join(" "))}`
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

function renderPowerShell(root: CompletionCommand): string {
  const prog = root.name;
  const ps = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const entries = walk(root).map(([path, node]) => {
    const words = [
      ...node.subcommands.map((s) => s.name),
      ...node.options.flatMap((o) => o.names),
    ];
    return `    ${ps(path.join(" "))} = @(${words.map(ps).join(", ")})`;
  }).join("\n");
  return `# PowerShell completion for ${prog}; load with: ${prog} completions powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName ${ps(prog)}, ${ps(`${prog}.exe`)} -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $tree = @{
${entries}
  }
  $path = @()
  foreach ($element in $commandAst.CommandElements | Select-Object -Skip 1) {
    $text = $element.ToString()
    if ($text -eq $wordToComplete) { break }
    $candidate = (@($path) + $text) -join ' '
    if ($tree.ContainsKey($candidate)) { $path += $text }
  }
  $tree[($path -join ' ')] | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}
