/** Tests of opening the browser: when it can be opened, which commands, and falling back. */
import { assert, assertEquals } from "./assert.ts";
import { TempHome } from "./helpers.ts";
import {
  browserCommands,
  browserDisabledByEnv,
  browserEnvCommands,
  canOpenBrowser,
  openUrl,
} from "../src/login/browser.ts";
import { splitCommandLine } from "../src/base/shell_split.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];
const URL_ = "https://oidc.example/authorize?a=1&b=2";

Deno.test("canOpenBrowser says yes on Linux only with a display and never headless or over SSH", () => {
  const linux = (vars: Record<string, string>, headless = false) =>
    canOpenBrowser({ env: envOf(vars), os: "linux", wsl: false, headless });
  assert(linux({ DISPLAY: ":0" }));
  assert(linux({ WAYLAND_DISPLAY: "wayland-0" }));
  assert(!linux({}));
  assert(!linux({ DISPLAY: ":0" }, true));
  assert(!linux({ DISPLAY: ":0", SSH_CONNECTION: "1.2.3.4 22 5.6.7.8 22" }));
  assert(!linux({ DISPLAY: ":0", SSH_TTY: "/dev/pts/1" }));
  assert(!linux({ DISPLAY: ":0", AWS_SSO_DISABLE_BROWSER: "1" }));
  assert(!linux({ DISPLAY: ":0", AWS_SSO_DISABLE_BROWSER: " TRUE " }));
  assert(linux({ DISPLAY: ":0", AWS_SSO_DISABLE_BROWSER: "false" }));
  assert(canOpenBrowser({ env: envOf({}), os: "linux", wsl: true }), "WSL needs no DISPLAY");
  assert(canOpenBrowser({ env: envOf({}), os: "darwin" }));
  assert(canOpenBrowser({ env: envOf({}), os: "windows" }));
  assert(!canOpenBrowser({ env: envOf({ SSH_CLIENT: "x" }), os: "darwin" }));
  // BROWSER is honoured anywhere, as Python's webbrowser (the AWS CLI, the original) does.
  assert(linux({ BROWSER: "w3m" }), "no display needed");
  assert(linux({ BROWSER: "forward-url %s", SSH_TTY: "/dev/pts/1" }), "over SSH too");
  assert(!linux({ BROWSER: "w3m" }, true), "but never headless");
  assert(!linux({ BROWSER: "w3m", AWS_SSO_DISABLE_BROWSER: "1" }));
  assert(!linux({ BROWSER: "  " }), "a blank BROWSER is unset");
  assert(browserDisabledByEnv(envOf({ AWS_SSO_DISABLE_BROWSER: "true" })));
  assert(!browserDisabledByEnv(envOf({})));
});

Deno.test("browserCommands uses the platform opener when BROWSER is not set", () => {
  const env = envOf({});
  assertEquals(browserCommands(URL_, { env, os: "darwin" }), [["open", URL_]]);
  assertEquals(browserCommands(URL_, { env, os: "windows" }), [
    ["rundll32", "url.dll,FileProtocolHandler", URL_],
  ]);
  assertEquals(browserCommands(URL_, { env, os: "linux", wsl: false })[0], ["xdg-open", URL_]);
  assertEquals(browserCommands(URL_, { env, os: "linux", wsl: true })[0], ["wslview", URL_]);
});

Deno.test("browserCommands reads BROWSER as Python does: plain commands, %s command lines, lists", () => {
  assertEquals(browserCommands(URL_, { env: envOf({ BROWSER: "firefox" }), os: "linux" }), [
    ["firefox", URL_],
  ]);
  assertEquals(browserEnvCommands("'my browser' --new-tab %s", URL_, "linux"), [
    ["my browser", "--new-tab", URL_],
  ]);
  assertEquals(browserEnvCommands("w3m:lynx %s", URL_, "linux"), [["w3m", URL_], ["lynx", URL_]]);
  assertEquals(browserEnvCommands("echo 100%% %s", URL_, "linux"), [["echo", "100%", URL_]]);
  assertEquals(browserEnvCommands("firefox --new-window", URL_, "linux"), [
    ["firefox", "--new-window", URL_],
  ]);
  assertEquals(browserEnvCommands(`"C:\\Program Files\\b.exe" %s`, URL_, "windows"), [
    ["C:\\Program Files\\b.exe", URL_],
  ]);
  assertEquals(browserEnvCommands("C:\\b\\chrome.exe;edge", URL_, "windows"), [
    ["C:\\b\\chrome.exe", URL_],
    ["edge", URL_],
  ]);
  assertEquals(splitCommandLine(` a "b c" 'd e' f\\ g "" `), ["a", "b c", "d e", "f g", ""]);
});

Deno.test("openUrl skips commands that are missing or not allowed and reports why none started", () => {
  const tried: string[][] = [];
  const result = openUrl(URL_, {
    env: envOf({ BROWSER: "missing:forbidden:works %s" }),
    os: "linux",
    spawn: (argv) => {
      tried.push(argv);
      if (argv[0] === "missing") throw new Deno.errors.NotFound("entity not found");
      if (argv[0] === "forbidden") throw new Deno.errors.NotCapable("Requires run access");
      return { exited: Promise.resolve(0) };
    },
  });
  assertEquals(tried.map((a) => a[0]), ["missing", "forbidden", "works"]);
  assert(result.opened);
  assertEquals(result.command, ["works", URL_]);

  const none = openUrl(URL_, {
    env: envOf({ BROWSER: "missing:forbidden" }),
    os: "linux",
    spawn: (argv) => {
      if (argv[0] === "missing") throw new Deno.errors.NotFound("entity not found");
      throw new Deno.errors.NotCapable("Requires run access");
    },
  });
  assertEquals(none, {
    opened: false,
    reason:
      "missing (from BROWSER) was not found; forbidden (from BROWSER) is not a program Deno's run permission allows (docs/permissions.md)",
  });
});

Deno.test("openUrl runs the BROWSER command with the URL and does not wait for it", async () => {
  await using home = await TempHome.create();
  const script = `${home.dir}/browser.sh`;
  await Deno.writeTextFile(script, `#!/bin/sh\nprintf '%s' "$1" > "${home.dir}/opened.txt"\n`);
  await Deno.chmod(script, 0o755);
  const result = openUrl(URL_, { env: envOf({ BROWSER: script }), os: "linux" });
  assert(result.opened);
  assertEquals(await result.exited, 0);
  assertEquals(await Deno.readTextFile(`${home.dir}/opened.txt`), URL_);

  const missing = openUrl(URL_, { env: envOf({ BROWSER: `${home.dir}/nope` }), os: "linux" });
  assertEquals(missing.opened, false);
});
