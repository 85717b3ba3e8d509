import { assert, assertEquals } from "../assert.ts";
import { loginUrl, logoutFirstUrl, redactedLoginUrl } from "../../src/console/console_url.ts";

const TOKEN = "tok%en+/=SECRET-part_2";

Deno.test("the login URL: Action=login, Issuer, Destination, SigninToken, form-encoded", () => {
  const url = new URL(loginUrl({
    federationUrl: "https://signin.aws.amazon.com/federation",
    issuer: "https://example.awsapps.com/start",
    destination: "https://console.aws.amazon.com/ec2/home?region=us-west-2#Instances:",
    signinToken: TOKEN,
  }));
  assertEquals(url.origin + url.pathname, "https://signin.aws.amazon.com/federation");
  assertEquals([...url.searchParams.keys()], ["Action", "Issuer", "Destination", "SigninToken"]);
  assertEquals(url.searchParams.get("Action"), "login");
  assertEquals(url.searchParams.get("Issuer"), "https://example.awsapps.com/start");
  assertEquals(
    url.searchParams.get("Destination"),
    "https://console.aws.amazon.com/ec2/home?region=us-west-2#Instances:",
  );
  assertEquals(url.searchParams.get("SigninToken"), TOKEN);
  assert(!url.hash, "the destination's # must be encoded");
});

Deno.test("sign-out first is one URL: the sign-out page continuing to the login URL", () => {
  const login = loginUrl({
    federationUrl: "https://us-east-1.signin.aws.amazon.com/federation",
    issuer: "https://example.awsapps.com/start",
    destination: "https://console.aws.amazon.com/",
    signinToken: TOKEN,
  });
  const url = new URL(logoutFirstUrl("https://signin.aws.amazon.com/oauth", login));
  assertEquals(url.origin + url.pathname, "https://signin.aws.amazon.com/oauth");
  assertEquals(url.searchParams.get("Action"), "logout");
  assertEquals(url.searchParams.get("redirect_uri"), login);
});

Deno.test("the debug log's URL has no part of the sign-in token, plain or encoded", () => {
  const login = loginUrl({
    federationUrl: "https://signin.aws.amazon.com/federation",
    issuer: "i",
    destination: "https://console.aws.amazon.com/",
    signinToken: TOKEN,
  });
  for (const url of [login, logoutFirstUrl("https://signin.aws.amazon.com/oauth", login)]) {
    const shown = redactedLoginUrl(url);
    assert(!shown.includes("SECRET") && !shown.includes("part_2"), shown);
    assert(shown.endsWith("SigninToken=<redacted>"), shown);
  }
  assertEquals(redactedLoginUrl("https://x/federation"), "https://x/federation");
});
