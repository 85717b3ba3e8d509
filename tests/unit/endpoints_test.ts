/** Unit tests of SSO / SSO OIDC endpoint resolution (docs/formats.md §6.3, checked against botocore 1.43). */
import { parseAwsConfig } from "../../src/config/aws_config_file.ts";
import {
  type EndpointConfig,
  type ResolvedEndpoint,
  resolveEndpoint,
  type ServiceName,
} from "../../src/config/endpoints.ts";
import { partitionOf } from "../../src/config/partitions.ts";
import { resolveCredentialProcessSettings } from "../../src/config/settings.ts";
import { ConfigError } from "../../src/base/errors.ts";
import { assertEquals, assertThrows } from "../assert.ts";

/** The URL and its source, the part of a resolved endpoint these tests are about. */
function where(endpoint: ResolvedEndpoint): { url: string; source: string } {
  return { url: endpoint.url, source: endpoint.source };
}

function envOf(vars: Record<string, string> = {}): (name: string) => string | undefined {
  return (name) => vars[name];
}

const PROFILE_URL = "http://profile.example:1";
const SERVICES_SSO = "http://services-sso.example:2";
const SERVICES_OIDC = "http://services-oidc.example:3";
const GLOBAL = "http://global.example:4";
const ENV_SSO = "http://env-sso.example:5";
const ENV_OIDC = "http://env-oidc.example:6";

const FULL_CONFIG: EndpointConfig = {
  profile: new Map([["endpoint_url", PROFILE_URL], ["services", "local"]]),
  services: new Map([
    ["sso", new Map([["endpoint_url", SERVICES_SSO]])],
    ["sso_oidc", new Map([["endpoint_url", SERVICES_OIDC]])],
  ]),
};

const ALL_ENV = {
  AWS_ENDPOINT_URL_SSO: ENV_SSO,
  AWS_ENDPOINT_URL_SSO_OIDC: ENV_OIDC,
  AWS_ENDPOINT_URL: GLOBAL,
};

Deno.test("resolveEndpoint() prefers AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC over everything", () => {
  const env = envOf(ALL_ENV);
  assertEquals(where(resolveEndpoint("sso", "us-east-1", env, FULL_CONFIG)), {
    url: ENV_SSO,
    source: "AWS_ENDPOINT_URL_SSO",
  });
  assertEquals(where(resolveEndpoint("sso-oidc", "us-east-1", env, FULL_CONFIG)), {
    url: ENV_OIDC,
    source: "AWS_ENDPOINT_URL_SSO_OIDC",
  });
});

Deno.test("resolveEndpoint() uses AWS_ENDPOINT_URL when the service variable is unset or empty", () => {
  const env = envOf({ AWS_ENDPOINT_URL: GLOBAL, AWS_ENDPOINT_URL_SSO: "" });
  assertEquals(where(resolveEndpoint("sso", "us-east-1", env, FULL_CONFIG)), {
    url: GLOBAL,
    source: "AWS_ENDPOINT_URL",
  });
  assertEquals(resolveEndpoint("sso-oidc", "us-east-1", env, FULL_CONFIG).url, GLOBAL);
  // The service variable of one service does not leak into the other.
  const onlySso = envOf({ AWS_ENDPOINT_URL_SSO: ENV_SSO });
  assertEquals(resolveEndpoint("sso-oidc", "us-east-1", onlySso, FULL_CONFIG).url, SERVICES_OIDC);
});

Deno.test("resolveEndpoint() uses the [services] sso / sso_oidc sub-sections before the profile endpoint_url", () => {
  assertEquals(where(resolveEndpoint("sso", "us-east-1", envOf(), FULL_CONFIG)), {
    url: SERVICES_SSO,
    source: "services sso endpoint_url",
  });
  assertEquals(where(resolveEndpoint("sso-oidc", "us-east-1", envOf(), FULL_CONFIG)), {
    url: SERVICES_OIDC,
    source: "services sso_oidc endpoint_url",
  });
});

Deno.test("resolveEndpoint() falls back to the profile endpoint_url for a service missing from [services]", () => {
  const config: EndpointConfig = {
    profile: FULL_CONFIG.profile,
    services: new Map([["sso", new Map([["endpoint_url", SERVICES_SSO]])]]),
  };
  assertEquals(resolveEndpoint("sso", "us-east-1", envOf(), config).url, SERVICES_SSO);
  assertEquals(where(resolveEndpoint("sso-oidc", "us-east-1", envOf(), config)), {
    url: PROFILE_URL,
    source: "profile endpoint_url",
  });
  // A services sub-section of another service (s3) is irrelevant.
  const s3Only: EndpointConfig = {
    profile: new Map([["endpoint_url", PROFILE_URL]]),
    services: new Map([["s3", new Map([["endpoint_url", "http://s3.example"]])]]),
  };
  assertEquals(resolveEndpoint("sso", "us-east-1", envOf(), s3Only).url, PROFILE_URL);
});

Deno.test("resolveEndpoint() trims configured URLs", () => {
  const env = envOf({ AWS_ENDPOINT_URL_SSO: `  ${ENV_SSO}  ` });
  assertEquals(resolveEndpoint("sso", "us-east-1", env).url, ENV_SSO);
});

Deno.test("resolveEndpoint() ignores every override when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true", () => {
  for (const value of ["true", "TRUE", " True "]) {
    const env = envOf({ ...ALL_ENV, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: value });
    assertEquals(where(resolveEndpoint("sso", "us-east-1", env, FULL_CONFIG)), {
      url: "https://portal.sso.us-east-1.amazonaws.com",
      source: "default",
    });
    assertEquals(
      resolveEndpoint("sso-oidc", "us-east-1", env, FULL_CONFIG).url,
      "https://oidc.us-east-1.amazonaws.com",
    );
  }
  const notTrue = envOf({ AWS_ENDPOINT_URL: GLOBAL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "1" });
  assertEquals(resolveEndpoint("sso", "us-east-1", notTrue).url, GLOBAL, "only 'true' counts");
});

Deno.test("resolveEndpoint() ignores every override when the profile has ignore_configured_endpoint_urls = true", () => {
  const config: EndpointConfig = {
    profile: new Map([...FULL_CONFIG.profile!, ["ignore_configured_endpoint_urls", "true"]]),
    services: FULL_CONFIG.services,
  };
  assertEquals(where(resolveEndpoint("sso", "eu-west-1", envOf(ALL_ENV), config)), {
    url: "https://portal.sso.eu-west-1.amazonaws.com",
    source: "default",
  });
  assertEquals(
    resolveEndpoint("sso-oidc", "eu-west-1", envOf(), config).url,
    "https://oidc.eu-west-1.amazonaws.com",
  );
});

Deno.test("resolveEndpoint() lets AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false win over the profile key, as botocore does", () => {
  const config: EndpointConfig = {
    profile: new Map([["endpoint_url", PROFILE_URL], ["ignore_configured_endpoint_urls", "true"]]),
  };
  for (const value of ["false", ""]) {
    const env = envOf({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: value });
    assertEquals(resolveEndpoint("sso", "us-east-1", env, config).url, PROFILE_URL, value);
  }
});

Deno.test("resolveEndpoint() uses the regional default without any configuration", () => {
  assertEquals(where(resolveEndpoint("sso", "ap-northeast-1", envOf())), {
    url: "https://portal.sso.ap-northeast-1.amazonaws.com",
    source: "default",
  });
  assertEquals(where(resolveEndpoint("sso-oidc", "ap-northeast-1", envOf(), {})), {
    url: "https://oidc.ap-northeast-1.amazonaws.com",
    source: "default",
  });
});

Deno.test("resolveEndpoint() builds the portal and OIDC hosts of every partition (docs/formats.md §6.3 table)", () => {
  const cases: [string, string, string][] = [
    [
      "us-east-1",
      "https://portal.sso.us-east-1.amazonaws.com",
      "https://oidc.us-east-1.amazonaws.com",
    ],
    [
      "eu-west-1",
      "https://portal.sso.eu-west-1.amazonaws.com",
      "https://oidc.eu-west-1.amazonaws.com",
    ],
    [
      "cn-north-1",
      "https://portal.sso.cn-north-1.amazonaws.com.cn",
      "https://oidc.cn-north-1.amazonaws.com.cn",
    ],
    [
      "cn-northwest-1",
      "https://portal.sso.cn-northwest-1.amazonaws.com.cn",
      "https://oidc.cn-northwest-1.amazonaws.com.cn",
    ],
    [
      "us-gov-west-1",
      "https://portal.sso.us-gov-west-1.amazonaws.com",
      "https://oidc.us-gov-west-1.amazonaws.com",
    ],
    [
      "eusc-de-east-1",
      "https://portal.sso.eusc-de-east-1.amazonaws.eu",
      "https://oidc.eusc-de-east-1.amazonaws.eu",
    ],
    [
      "us-iso-east-1",
      "https://portal.sso.us-iso-east-1.c2s.ic.gov",
      "https://oidc.us-iso-east-1.c2s.ic.gov",
    ],
    [
      "us-isob-east-1",
      "https://portal.sso.us-isob-east-1.sc2s.sgov.gov",
      "https://oidc.us-isob-east-1.sc2s.sgov.gov",
    ],
  ];
  for (const [region, portal, oidc] of cases) {
    assertEquals(resolveEndpoint("sso", region, envOf()).url, portal, region);
    assertEquals(resolveEndpoint("sso-oidc", region, envOf()).url, oidc, region);
  }
});

Deno.test("resolveEndpoint() gives the FIPS and dual-stack variants of shared/spec §4, from env or profile", () => {
  const cases: [ServiceName, string, Record<string, string>, string][] = [
    [
      "sso",
      "us-east-1",
      { AWS_USE_FIPS_ENDPOINT: "true" },
      "portal.sso-fips.us-east-1.amazonaws.com",
    ],
    [
      "sso-oidc",
      "us-east-1",
      { AWS_USE_FIPS_ENDPOINT: "true" },
      "oidc-fips.us-east-1.amazonaws.com",
    ],
    ["sts", "us-east-1", { AWS_USE_FIPS_ENDPOINT: "true" }, "sts-fips.us-east-1.amazonaws.com"],
    ["sso", "us-east-1", { AWS_USE_DUALSTACK_ENDPOINT: "true" }, "portal.sso.us-east-1.api.aws"],
    [
      "sso",
      "us-east-1",
      { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "TRUE" },
      "portal.sso-fips.us-east-1.api.aws",
    ],
    // GovCloud's portal is FIPS already: the FIPS setting keeps the plain host.
    [
      "sso",
      "us-gov-west-1",
      { AWS_USE_FIPS_ENDPOINT: "true" },
      "portal.sso.us-gov-west-1.amazonaws.com",
    ],
    ["sts", "us-gov-west-1", { AWS_USE_FIPS_ENDPOINT: "true" }, "sts.us-gov-west-1.amazonaws.com"],
    [
      "sso",
      "cn-north-1",
      { AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "portal.sso.cn-north-1.api.amazonwebservices.com.cn",
    ],
    [
      "sso",
      "eusc-de-east-1",
      { AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "portal.sso.eusc-de-east-1.api.amazonwebservices.eu",
    ],
    [
      "sso",
      "us-iso-east-1",
      { AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "portal.sso.us-iso-east-1.api.aws.ic.gov",
    ],
    [
      "sso",
      "us-isob-east-1",
      { AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "portal.sso.us-isob-east-1.api.aws.scloud",
    ],
    // STS: regional by default; the global endpoint only with sts_regional_endpoints = legacy.
    ["sts", "us-east-1", {}, "sts.us-east-1.amazonaws.com"],
    ["sts", "us-west-2", { AWS_STS_REGIONAL_ENDPOINTS: "legacy" }, "sts.amazonaws.com"],
    ["sts", "af-south-1", { AWS_STS_REGIONAL_ENDPOINTS: "legacy" }, "sts.af-south-1.amazonaws.com"],
  ];
  for (const [service, region, env, host] of cases) {
    const label = `${service} ${region} ${JSON.stringify(env)}`;
    assertEquals(resolveEndpoint(service, region, envOf(env)).url, `https://${host}`, label);
    // The same settings as profile keys.
    const profile = new Map(
      Object.entries(env).map(([k, v]) => [k.replace(/^AWS_/, "").toLowerCase(), v]),
    );
    assertEquals(
      resolveEndpoint(service, region, envOf(), { profile }).url,
      `https://${host}`,
      label,
    );
  }
});

Deno.test("resolveEndpoint() lets AWS_USE_FIPS_ENDPOINT=false (or empty) win over use_fips_endpoint = true", () => {
  const profile = new Map([["use_fips_endpoint", "true"], ["use_dualstack_endpoint", "true"]]);
  for (const value of ["false", "", " FALSE "]) {
    const env = envOf({ AWS_USE_FIPS_ENDPOINT: value, AWS_USE_DUALSTACK_ENDPOINT: value });
    assertEquals(
      where(resolveEndpoint("sso", "eu-west-1", env, { profile })),
      { url: "https://portal.sso.eu-west-1.amazonaws.com", source: "default" },
      JSON.stringify(value),
    );
  }
  assertEquals(
    where(resolveEndpoint("sso", "eu-west-1", envOf(), { profile })),
    { url: "https://portal.sso-fips.eu-west-1.api.aws", source: "default, FIPS, dual-stack" },
  );
});

Deno.test("resolveEndpoint() uses a configured URL as given, whatever FIPS says (as botocore does)", () => {
  const env = envOf({ AWS_USE_FIPS_ENDPOINT: "true", AWS_ENDPOINT_URL_SSO: ENV_SSO });
  assertEquals(where(resolveEndpoint("sso", "us-east-1", env)), {
    url: ENV_SSO,
    source: "AWS_ENDPOINT_URL_SSO",
  });
});

Deno.test("resolveEndpoint() resolves an unknown region in the partition its name matches, else aws", () => {
  assertEquals(
    resolveEndpoint("sso", "cn-south-9", envOf()).url,
    "https://portal.sso.cn-south-9.amazonaws.com.cn",
  );
  assertEquals(
    resolveEndpoint("sso", "xx-middle-3", envOf()).url,
    "https://portal.sso.xx-middle-3.amazonaws.com",
  );
});

Deno.test("resolveEndpoint() refuses an invalid setting in one sentence naming it and its source", () => {
  const cases: [Record<string, string>, Map<string, string> | undefined, string][] = [
    [
      { AWS_USE_FIPS_ENDPOINT: "maybe" },
      undefined,
      "AWS_USE_FIPS_ENDPOINT=maybe is not valid: set it to true or false.",
    ],
    [
      {},
      new Map([["use_dualstack_endpoint", "yes"]]),
      "use_dualstack_endpoint = yes in profile dev is not valid: set it to true or false.",
    ],
    [
      { AWS_MAX_ATTEMPTS: "0" },
      undefined,
      "AWS_MAX_ATTEMPTS=0 is not valid: set it to a whole number of attempts, 1 or more.",
    ],
    [
      { AWS_RETRY_MODE: "fast" },
      undefined,
      "AWS_RETRY_MODE=fast is not valid: set it to legacy, standard or adaptive.",
    ],
    [
      { AWS_STS_REGIONAL_ENDPOINTS: "global" },
      undefined,
      "AWS_STS_REGIONAL_ENDPOINTS=global is not valid: set it to regional or legacy.",
    ],
  ];
  for (const [env, profile, message] of cases) {
    const error = assertThrows(
      () => resolveEndpoint("sso", "us-east-1", envOf(env), { profile, profileName: "dev" }),
      ConfigError,
    );
    assertEquals(error.message, message);
  }
});

Deno.test("partitionOf() finds a region's partition by name, then by pattern, else aws", () => {
  const suffix = (region: string) => partitionOf(region).dnsSuffix;
  assertEquals(suffix("us-east-1"), "amazonaws.com");
  assertEquals(partitionOf("us-gov-east-1").name, "aws-us-gov");
  assertEquals(suffix("cn-north-1"), "amazonaws.com.cn");
  assertEquals(suffix("eusc-de-east-1"), "amazonaws.eu");
  assertEquals(suffix("us-iso-west-1"), "c2s.ic.gov");
  assertEquals(suffix("us-isob-east-1"), "sc2s.sgov.gov");
  assertEquals(suffix("us-isof-south-1"), "csp.hci.ic.gov");
  assertEquals(suffix("eu-isoe-west-1"), "cloud.adc-e.uk");
  assertEquals(partitionOf("cn-nowhere-7").name, "aws-cn");
  assertEquals(partitionOf("zz-nowhere-7").name, "aws");
});

Deno.test("resolveEndpoint() follows a profile's services = name through resolveCredentialProcessSettings()", () => {
  const doc = parseAwsConfig(`[profile local]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = R
services = localstack
endpoint_url = ${PROFILE_URL}

[services localstack]
sso_oidc =
  endpoint_url = ${SERVICES_OIDC}
s3 =
  endpoint_url = http://s3.example
`);
  const settings = resolveCredentialProcessSettings({ profile: "local" }, envOf(), doc, "config");
  const config = settings.endpointConfig;
  assertEquals(resolveEndpoint("sso-oidc", "us-east-1", envOf(), config).url, SERVICES_OIDC);
  assertEquals(resolveEndpoint("sso", "us-east-1", envOf(), config).url, PROFILE_URL);
});
