/** pythonJsonDumps() must lay JSON out exactly as Python's json.dumps does. */
import { pythonJsonDumps } from "../src/base/python_json.ts";
import { assertEquals, assertThrows } from "./assert.ts";
import { pythonExecutable } from "./script_helpers.ts";

Deno.test("pythonJsonDumps() uses ', ' and ': ' separators by default", () => {
  assertEquals(
    pythonJsonDumps({ b: 1, a: "x", c: [1, 2], d: true, e: null }),
    '{"b": 1, "a": "x", "c": [1, 2], "d": true, "e": null}',
  );
});

Deno.test("pythonJsonDumps() uses ',' and ':' separators when compact", () => {
  assertEquals(
    pythonJsonDumps({ b: 1, a: "x", c: [1, 2], d: false }, { compact: true }),
    '{"b":1,"a":"x","c":[1,2],"d":false}',
  );
});

Deno.test("pythonJsonDumps() keeps insertion order unless sortKeys is set", () => {
  const value = { tool: "botocore", startUrl: "u", region: "r", scopes: null, session_name: "s" };
  assertEquals(
    pythonJsonDumps(value),
    '{"tool": "botocore", "startUrl": "u", "region": "r", "scopes": null, "session_name": "s"}',
  );
  assertEquals(
    pythonJsonDumps(value, { sortKeys: true }),
    '{"region": "r", "scopes": null, "session_name": "s", "startUrl": "u", "tool": "botocore"}',
  );
});

Deno.test("pythonJsonDumps() sorts keys by code point, upper case before lower case", () => {
  assertEquals(
    pythonJsonDumps({ b: 1, B: 2, a: 3, _: 4, "1": 5, "é": 6 }, { sortKeys: true, compact: true }),
    '{"1":5,"B":2,"_":4,"a":3,"b":1,"\\u00e9":6}',
  );
});

Deno.test("pythonJsonDumps() sorts nested objects too", () => {
  assertEquals(
    pythonJsonDumps({ z: { y: 1, x: [{ b: 1, a: 2 }] }, a: 0 }, { sortKeys: true }),
    '{"a": 0, "z": {"x": [{"a": 2, "b": 1}], "y": 1}}',
  );
});

Deno.test("pythonJsonDumps() escapes non-ASCII as lowercase \\uXXXX like ensure_ascii", () => {
  assertEquals(pythonJsonDumps("sso-ü"), '"sso-\\u00fc"');
  assertEquals(pythonJsonDumps("€"), '"\\u20ac"');
  assertEquals(pythonJsonDumps("\u007f"), '"\\u007f"', "DEL is escaped as well");
  assertEquals(pythonJsonDumps("~"), '"~"');
  assertEquals(pythonJsonDumps("😀"), '"\\ud83d\\ude00"', "astral characters as surrogate pairs");
  assertEquals(pythonJsonDumps("\u2028\u2029"), '"\\u2028\\u2029"');
  assertEquals(pythonJsonDumps("\uffff"), '"\\uffff"');
});

Deno.test("pythonJsonDumps() escapes quotes, backslashes and control characters as Python does", () => {
  assertEquals(pythonJsonDumps('a"b\\c/d'), '"a\\"b\\\\c/d"', "no escaping of /");
  assertEquals(pythonJsonDumps("\b\f\n\r\t"), '"\\b\\f\\n\\r\\t"');
  assertEquals(pythonJsonDumps("\u0000\u0001\u001f"), '"\\u0000\\u0001\\u001f"');
});

Deno.test("pythonJsonDumps() lays out nested arrays and objects", () => {
  assertEquals(
    pythonJsonDumps([1, [2, [3, []]], {}, { a: { b: {} } }, "s"]),
    '[1, [2, [3, []]], {}, {"a": {"b": {}}}, "s"]',
  );
  assertEquals(
    pythonJsonDumps([1, [2, [3, []]], {}, { a: { b: {} } }], { compact: true }),
    '[1,[2,[3,[]]],{},{"a":{"b":{}}}]',
  );
  assertEquals(pythonJsonDumps([]), "[]");
  assertEquals(pythonJsonDumps({}), "{}");
});

Deno.test("pythonJsonDumps() drops undefined members and writes undefined array items as null", () => {
  assertEquals(pythonJsonDumps({ a: 1, b: undefined, c: "x" }), '{"a": 1, "c": "x"}');
  assertEquals(pythonJsonDumps({ b: undefined }), "{}");
  assertEquals(pythonJsonDumps([1, undefined, 2]), "[1, null, 2]");
  assertEquals(pythonJsonDumps(null), "null");
});

Deno.test("pythonJsonDumps() writes numbers and booleans as JSON does", () => {
  assertEquals(
    pythonJsonDumps([0, -1, 1.5, 1e21, 1795480344000, true, false]),
    "[0, -1, 1.5, 1e+21, 1795480344000, true, false]",
  );
});

Deno.test("pythonJsonDumps() lays out the AWS CLI's token file", () => {
  assertEquals(
    pythonJsonDumps({
      startUrl: "https://example.awsapps.com/start",
      region: "us-east-1",
      accessToken: "at",
      expiresAt: "2026-11-24T00:32:24Z",
    }),
    '{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "at", "expiresAt": "2026-11-24T00:32:24Z"}',
  );
});

Deno.test("pythonJsonDumps() rejects values JSON cannot hold", () => {
  assertThrows(() => pythonJsonDumps(10n), TypeError);
  assertThrows(() => pythonJsonDumps({ f: () => 1 }), TypeError);
});

const PYTHON = await pythonExecutable();

Deno.test({
  name: "pythonJsonDumps() agrees with the installed python3's json.dumps on mixed values",
  ignore: PYTHON === undefined,
  async fn() {
    const samples: unknown[] = [
      { z: 1, a: ["x", null, true, { "ü": "😀", n: -2.5 }], "": "", "B": '\u007f\u0001\n"\\' },
      { accountId: "012345678901", roleName: "MyRole", sessionName: "sso-ü" },
      [[], {}, [[]], "\u2028", "é€"],
    ];
    const modes = [{}, { compact: true }, { sortKeys: true }, { compact: true, sortKeys: true }];
    const script = `
import json, sys
samples = json.loads(sys.stdin.read())
for s in samples:
    print(json.dumps(s))
    print(json.dumps(s, separators=(",", ":")))
    print(json.dumps(s, sort_keys=True))
    print(json.dumps(s, separators=(",", ":"), sort_keys=True))
`;
    const child = new Deno.Command(PYTHON!, {
      args: ["-c", script],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(samples)));
    await writer.close();
    const out = await child.output();
    assertEquals(new TextDecoder().decode(out.stderr), "");
    const expected = new TextDecoder().decode(out.stdout).trimEnd().split("\n");
    const actual = samples.flatMap((s) => modes.map((m) => pythonJsonDumps(s, m)));
    assertEquals(actual, expected);
  },
});
