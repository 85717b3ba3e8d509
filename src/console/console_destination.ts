/**
 * The console page a sign-in lands on. A destination is a path (`/ec2/home`, `s3/buckets`) or a
 * console URL; either way it ends up on the partition's console host (a URL's own host is kept
 * only when it is that host or one of its regional subdomains, such as
 * `us-west-2.console.aws.amazon.com`). With a console region, `region=REGION` is added to the
 * query unless the destination already names one; `overrideRegion` replaces it instead.
 *
 * @module
 */

/** What a destination is built from. */
export interface DestinationOptions {
  /** A path or a console URL; undefined: the console home. */
  destination?: string;
  /** The console region; undefined: none added. */
  region?: string;
  /** Replace a `region=` the destination already has (`--override-region-in-destination`). */
  overrideRegion?: boolean;
  /** The partition's console host, e.g. `console.aws.amazon.com`. */
  consoleHost: string;
}

/** The destination URL. */
export function consoleDestination(options: DestinationOptions): string {
  const { consoleHost } = options;
  let host = consoleHost;
  let rest = "/";
  const given = options.destination?.trim();
  if (given) {
    const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.exec(given);
    if (absolute) {
      const url = safeUrl(given);
      if (url) {
        const h = url.hostname.toLowerCase();
        if (url.protocol === "https:" && (h === consoleHost || h.endsWith(`.${consoleHost}`))) {
          host = h;
        }
        rest = url.pathname + url.search + url.hash;
      }
    } else {
      rest = given.startsWith("/") ? given : `/${given}`;
    }
  }
  // Parse the rest against the console host so the path is normalised ("//x", "..") and stays on it.
  const url = new URL(rest.replace(/^\/+/, "/"), `https://${host}/`);
  if (options.region !== undefined) {
    url.search = withRegion(url.search, options.region, Boolean(options.overrideRegion));
  }
  return url.href;
}

/** `search` with `region=` added, or replaced when `override`; other parameters kept as written. */
function withRegion(search: string, region: string, override: boolean): string {
  const params = search.replace(/^\?/, "").split("&").filter((p) => p !== "");
  const isRegion = (p: string) => decodeName(p.split("=")[0]) === "region";
  if (params.some(isRegion) && !override) return search;
  const kept = params.filter((p) => !isRegion(p));
  kept.push(`region=${encodeURIComponent(region)}`);
  return `?${kept.join("&")}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
