/**
 * The AWS query protocol (STS): the form body of a request, and a small XML reader for exactly
 * what such a service answers (`<OperationResponse>` with its `<OperationResult>`, or an
 * `<ErrorResponse>`), with errors named as the AWS SDKs name them.
 *
 * The XML reader is bounded and safe by construction: no DOCTYPE (so no entity can be defined or
 * expanded), the five predefined entities and character references only, a limit on nesting and
 * on the number of elements, and linear scanning. Anything else is "malformed" (undefined).
 *
 * @module
 */
import { AwsApiError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { ResponseReader } from "./aws_json_call.ts";
import { failureKind } from "./retry_policy.ts";
import type { HttpResponse } from "../base/runtime.ts";

/** One element: its local name (any `prefix:` dropped), child elements, and its own text. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's character data (entities decoded), not its children's. */
  text: string;
}

/** Nesting deeper than this is refused (STS answers nest 4 deep). */
const MAX_DEPTH = 32;
/** More elements than this are refused (an STS answer has about 15). */
const MAX_ELEMENTS = 5_000;

const NAME = /[A-Za-z_][\w.:-]*/y;
const SPACE = /\s*/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*("[^"<]*"|'[^'<]*')\s*/y;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9A-Fa-f]{1,6}));/g;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Character data with its references decoded; undefined for a stray `&` or a bad reference. */
function decodeText(raw: string): string | undefined {
  if (raw.replace(ENTITY, "").includes("&")) return undefined;
  let bad = false;
  const text = raw.replace(ENTITY, (_, name: string, dec: string, hex: string) => {
    if (name) return NAMED[name];
    const code = dec ? Number(dec) : parseInt(hex, 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) bad = true;
    return bad ? "" : String.fromCodePoint(code);
  });
  return bad ? undefined : text;
}

/**
 * Parses one XML document into its root element; undefined for anything malformed, a DOCTYPE,
 * nesting deeper than 32 or more than 5,000 elements.
 */
export function parseXml(xml: string): XmlElement | undefined {
  let at = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  const skipSpace = () => {
    SPACE.lastIndex = at;
    SPACE.exec(xml);
    at = SPACE.lastIndex;
  };
  while (at < xml.length) {
    const open = xml.indexOf("<", at);
    const textEnd = open < 0 ? xml.length : open;
    if (textEnd > at) {
      const raw = xml.slice(at, textEnd);
      const top = stack.at(-1);
      if (!top) {
        if (raw.trim() !== "") return undefined; // text outside the root
      } else {
        const text = decodeText(raw);
        if (text === undefined) return undefined;
        top.text += text;
      }
      at = textEnd;
      continue;
    }
    if (xml.startsWith("<!--", at)) {
      const end = xml.indexOf("-->", at + 4);
      if (end < 0) return undefined;
      at = end + 3;
    } else if (xml.startsWith("<?", at)) {
      if (root || stack.length) return undefined; // a declaration only before the root
      const end = xml.indexOf("?>", at + 2);
      if (end < 0) return undefined;
      at = end + 2;
    } else if (xml.startsWith("<![CDATA[", at)) {
      const end = xml.indexOf("]]>", at + 9);
      const top = stack.at(-1);
      if (end < 0 || !top) return undefined;
      top.text += xml.slice(at + 9, end);
      at = end + 3;
    } else if (xml.startsWith("</", at)) {
      NAME.lastIndex = at + 2;
      const name = NAME.exec(xml)?.[0];
      const top = stack.pop();
      if (name === undefined || !top || localName(name) !== top.name) return undefined;
      at = NAME.lastIndex;
      skipSpace();
      if (xml[at] !== ">") return undefined;
      at++;
    } else if (xml[at + 1] === "!") {
      return undefined; // DOCTYPE, ENTITY and the like: never read
    } else {
      NAME.lastIndex = at + 1;
      const name = NAME.exec(xml)?.[0];
      if (name === undefined || (root && stack.length === 0)) return undefined;
      at = NAME.lastIndex;
      skipSpace();
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        if (!ATTRIBUTE.exec(xml)) break;
        at = ATTRIBUTE.lastIndex;
      }
      const selfClosing = xml.startsWith("/>", at);
      if (!selfClosing && xml[at] !== ">") return undefined;
      at += selfClosing ? 2 : 1;
      if (++count > MAX_ELEMENTS || stack.length >= MAX_DEPTH) return undefined;
      const element: XmlElement = { name: localName(name), children: [], text: "" };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  return stack.length === 0 ? root : undefined;
}

function localName(name: string): string {
  return name.slice(name.indexOf(":") + 1);
}

/** The first element down `path` of child names from `element`. */
export function xmlChild(
  element: XmlElement | undefined,
  ...path: string[]
): XmlElement | undefined {
  let current = element;
  for (const name of path) current = current?.children.find((c) => c.name === name);
  return current;
}

/** The trimmed text of the element down `path`; undefined when it is missing or empty. */
export function xmlText(element: XmlElement | undefined, ...path: string[]): string | undefined {
  const text = xmlChild(element, ...path)?.text.trim();
  return text ? text : undefined;
}

/**
 * A query-protocol form body, `Action=…&Version=…` then the parameters in the given order, each
 * encoded as the AWS SDKs encode it (`encodeURIComponent`, and `!'()*` as `%XX` too); undefined
 * values are left out.
 */
export function queryForm(
  action: string,
  version: string,
  params: [string, string | number | undefined][],
): string {
  const encode = (value: string) =>
    encodeURIComponent(value).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  return [["Action", action], ["Version", version], ...params]
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${encode(name)}=${encode(String(value))}`)
    .join("&");
}

/**
 * The error of a non-2xx query-protocol response, named as the AWS SDKs name it: the `Code` of
 * `ErrorResponse/Error` (or `Response/Errors/Error`), else `NotFound` for HTTP 404, else (a page
 * from a proxy, an empty or broken body) `HTTP<status>`. The message is the error's `Message`.
 */
export function queryErrorFromResponse(
  operation: string,
  status: number,
  response: HttpResponse,
): AwsApiError {
  const root = parseXml(response.body);
  const error = xmlChild(root, "Errors", "Error") ?? xmlChild(root, "Error");
  const code = xmlText(error, "Code") ?? (status === 404 ? "NotFound" : undefined);
  const message = xmlText(error, "Message") ?? xmlText(error, "message") ??
    xmlText(root, "Message") ?? "";
  const shown = safeEcho(message, 200).replace(/[.\s]+$/, "");
  const what = code ? `${safeEcho(code, 200)} (HTTP ${status})` : `HTTP ${status}`;
  return new AwsApiError(
    `${operation} failed with ${what}${shown && shown !== code ? `: ${shown}` : ""}.`,
    code ?? `HTTP${status}`,
    failureKind({ status, code }) !== "clientError",
    shown,
  );
}

/** A query-protocol answer: its document's root element and the response headers. */
export interface QueryResponse {
  root: XmlElement;
  headers: Headers;
}

/**
 * The query protocol's responses: an `<OperationResponse>` document holding its
 * `<OperationResult>` (anything else is malformed), errors by {@link queryErrorFromResponse}.
 */
export function queryReader(operation: string): ResponseReader<QueryResponse> {
  return {
    success: (response) => {
      const root = parseXml(response.body);
      return root?.name === `${operation}Response` && xmlChild(root, `${operation}Result`)
        ? { root, headers: response.headers }
        : undefined;
    },
    error: queryErrorFromResponse,
  };
}
