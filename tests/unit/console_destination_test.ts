import { assertEquals } from "../assert.ts";
import { consoleDestination } from "../../src/console/console_destination.ts";

const AWS = "console.aws.amazon.com";

Deno.test("destination: the console home, with region= from the console region", () => {
  assertEquals(consoleDestination({ consoleHost: AWS }), "https://console.aws.amazon.com/");
  assertEquals(
    consoleDestination({ consoleHost: AWS, region: "us-west-2" }),
    "https://console.aws.amazon.com/?region=us-west-2",
  );
});

Deno.test("destination: a path is joined to the partition's console host", () => {
  assertEquals(
    consoleDestination({
      consoleHost: AWS,
      destination: "/ec2/home#Instances:",
      region: "eu-west-1",
    }),
    "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:",
  );
  assertEquals(
    consoleDestination({ consoleHost: "console.amazonaws.cn", destination: "s3/buckets" }),
    "https://console.amazonaws.cn/s3/buckets",
  );
  // "//host/…" is a path here, not a host.
  assertEquals(
    consoleDestination({ consoleHost: AWS, destination: "//evil.example/x" }),
    "https://console.aws.amazon.com/evil.example/x",
  );
});

Deno.test("destination: a console URL's host is replaced unless it is the console host or a region of it", () => {
  assertEquals(
    consoleDestination({
      consoleHost: "console.amazonaws-us-gov.com",
      destination: "https://console.aws.amazon.com/iam/home?x=a%20b&y=1",
    }),
    "https://console.amazonaws-us-gov.com/iam/home?x=a%20b&y=1",
  );
  assertEquals(
    consoleDestination({
      consoleHost: AWS,
      destination: "https://us-west-2.console.aws.amazon.com/lambda/home",
      region: "us-west-2",
    }),
    "https://us-west-2.console.aws.amazon.com/lambda/home?region=us-west-2",
  );
  assertEquals(
    consoleDestination({ consoleHost: AWS, destination: "https://evil.example/steal?region=x" }),
    "https://console.aws.amazon.com/steal?region=x",
  );
  assertEquals(
    consoleDestination({ consoleHost: AWS, destination: "http://console.aws.amazon.com/a" }),
    "https://console.aws.amazon.com/a",
  );
});

Deno.test("destination: region= kept when present, replaced with overrideRegion", () => {
  const destination = "/ec2/home?region=us-east-1&tab=2";
  assertEquals(
    consoleDestination({ consoleHost: AWS, destination, region: "eu-west-1" }),
    "https://console.aws.amazon.com/ec2/home?region=us-east-1&tab=2",
  );
  assertEquals(
    consoleDestination({
      consoleHost: AWS,
      destination,
      region: "eu-west-1",
      overrideRegion: true,
    }),
    "https://console.aws.amazon.com/ec2/home?tab=2&region=eu-west-1",
  );
  // Without a console region nothing is added or removed.
  assertEquals(
    consoleDestination({ consoleHost: AWS, destination, overrideRegion: true }),
    "https://console.aws.amazon.com/ec2/home?region=us-east-1&tab=2",
  );
});
