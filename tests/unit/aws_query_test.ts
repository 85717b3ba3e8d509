/**
 * The query protocol's pieces (src/net/aws_query.ts): the bounded XML reader on STS's answers and
 * on hostile or broken input, the form body's encoding, and the error naming of query responses.
 */
import { assert, assertEquals } from "../assert.ts";
import {
  parseXml,
  queryErrorFromResponse,
  queryForm,
  queryReader,
  xmlChild,
  xmlText,
} from "../../src/net/aws_query.ts";

const SUCCESS = `<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>DevUser123</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW</SessionToken>
      <Expiration>2019-07-15T23:28:33.359Z</Expiration>
    </Credentials>
    <PackedPolicySize>8</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`;

Deno.test("parseXml reads STS's AssumeRole answer", () => {
  const root = parseXml(SUCCESS);
  assertEquals(root?.name, "AssumeRoleResponse");
  assertEquals(
    xmlText(root, "AssumeRoleResult", "Credentials", "SessionToken"),
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW",
  );
  assertEquals(
    xmlText(root, "AssumeRoleResult", "AssumedRoleUser", "Arn"),
    "arn:aws:sts::123456789012:assumed-role/demo/John",
  );
  assertEquals(
    xmlText(root, "ResponseMetadata", "RequestId"),
    "c6104cbe-af31-11e0-8154-cbc7ccf896c7",
  );
  assertEquals(xmlText(root, "AssumeRoleResult", "Missing"), undefined);
  assertEquals(xmlChild(root, "AssumeRoleResult")?.children.length, 4);
});

Deno.test("parseXml decodes entities, character references and CDATA, and drops prefixes and comments", () => {
  const root = parseXml(
    `\uFEFF<!-- a comment --><sts:R xmlns:sts="x" a='1' b = "2"><M>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42; <![CDATA[<raw & text>]]></M><E/><sts:N>x</sts:N></sts:R>\n<!-- trailer -->\n`,
  );
  assertEquals(xmlText(root, "M"), `a <b> & "c" 'd' AB <raw & text>`);
  assertEquals(root?.name, "R");
  assertEquals(xmlText(root, "N"), "x");
  assertEquals(xmlChild(root, "E")?.children, []);
});

Deno.test("parseXml refuses what it is not made for: DOCTYPE and entities, broken or ambiguous documents", () => {
  const refused = [
    `<!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>`,
    `<r>&x;</r>`,
    `<r>a & b</r>`,
    `<r>&#0;</r>`,
    `<r>&#xD800;</r>`,
    `<r><a></r></a>`,
    `<r><a></a>`,
    `<r></r><r></r>`,
    `text<r></r>`,
    `<r></r>text`,
    `<r attr=unquoted></r>`,
    `<r><!-- unterminated </r>`,
    `<r><![CDATA[ unterminated </r>`,
    `<r><?pi inside?></r>`,
    `</r>`,
    ``,
    `<html><body>Proxy says no`,
  ];
  for (const text of refused) assertEquals(parseXml(text), undefined, text);
});

Deno.test("parseXml bounds nesting and size in linear time", () => {
  assert(parseXml(`${"<a>".repeat(31)}${"</a>".repeat(31)}`) !== undefined);
  assertEquals(parseXml(`${"<a>".repeat(33)}${"</a>".repeat(33)}`), undefined);
  assertEquals(parseXml(`<r>${"<a/>".repeat(5_001)}</r>`), undefined);
  const started = performance.now();
  assertEquals(parseXml(`<r>${"<".repeat(200_000)}`), undefined);
  assertEquals(parseXml(`<r a${" ".repeat(200_000)}`), undefined);
  assert(parseXml(`<r>${"x".repeat(1_000_000)}</r>`) !== undefined);
  assert(performance.now() - started < 5_000, "the reader is not linear");
});

Deno.test("queryForm encodes as the AWS SDKs do, in the order given, without unset parameters", () => {
  assertEquals(
    queryForm("AssumeRole", "2011-06-15", [
      ["RoleArn", "arn:aws:iam::123456789012:role/a/b"],
      ["RoleSessionName", "s@x.com"],
      ["DurationSeconds", 900],
      ["ExternalId", "a b!'()*~_-.é+="],
      ["SerialNumber", undefined],
    ]),
    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa%2Fb&RoleSessionName=s%40x.com&DurationSeconds=900&ExternalId=a%20b%21%27%28%29%2A~_-.%C3%A9%2B%3D",
  );
});

const response = (status: number, body: string) => ({
  status,
  headers: new Headers({ "content-type": "text/xml" }),
  body,
});

Deno.test("query errors are named by their Code, else NotFound for 404, else the HTTP status", () => {
  const xmlError = (code: string, message: string) =>
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
  const cases: [number, string, string, string, boolean][] = [
    [
      403,
      xmlError("AccessDenied", "User: x is not authorized."),
      "AccessDenied",
      "AssumeRole failed with AccessDenied (HTTP 403): User: x is not authorized.",
      false,
    ],
    [
      400,
      xmlError("Throttling", "Rate exceeded"),
      "Throttling",
      "AssumeRole failed with Throttling (HTTP 400): Rate exceeded.",
      true,
    ],
    [
      400,
      `<Response><Errors><Error><Code>InvalidAction</Code><Message>no</Message></Error></Errors></Response>`,
      "InvalidAction",
      "AssumeRole failed with InvalidAction (HTTP 400): no.",
      false,
    ],
    [404, "", "NotFound", "AssumeRole failed with NotFound (HTTP 404).", false],
    [
      502,
      "<html><body>Bad gateway</body></html>",
      "HTTP502",
      "AssumeRole failed with HTTP 502.",
      true,
    ],
    [500, "", "HTTP500", "AssumeRole failed with HTTP 500.", true],
    [
      400,
      xmlError("Bad\nCode", "line one\nline two\u0007"),
      "Bad\nCode",
      "AssumeRole failed with Bad\\nCode (HTTP 400): line one\\nline two\\x07.",
      false,
    ],
  ];
  for (const [status, body, code, message, retryable] of cases) {
    const error = queryErrorFromResponse("AssumeRole", status, response(status, body));
    assertEquals(
      [error.errorCode, error.message, error.retryable],
      [code, message, retryable],
      body,
    );
  }
  const reader = queryReader("AssumeRole");
  assert(reader.success(response(200, SUCCESS)));
  assertEquals(reader.success(response(200, "<GetCallerIdentityResponse/>")), undefined);
  assertEquals(reader.success(response(200, "<AssumeRoleResponse/>")), undefined);
  assertEquals(reader.success(response(200, "{}")), undefined);
});
