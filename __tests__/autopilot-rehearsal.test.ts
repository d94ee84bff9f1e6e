// The rehearsal's pieces without I/O: a scenario is read from JSON or YAML and every problem in it named;
// the load a region shows at a moment; the timeline; the HTML report's charts. The rehearsal itself runs
// for real in autopilot-local.prometheus.terraform.test.ts.
/* eslint-disable @typescript-eslint/no-require-imports */
const { defaultScenario, parseScenario, loadAt, timeline, reportHtml } = require("../scripts/lib/autopilot-rehearsal");
/* eslint-enable @typescript-eslint/no-require-imports */

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];

describe("a scenario", () => {
  it("is read from YAML or JSON and sorted by time", () => {
    const yaml = "- { at: 30, region: us-east-1, waiting: 1, running: 4, replicas: 2 }\n- { at: 0, region: eu-west-1, waiting: 9, running: 4, replicas: 3, kvCache: 0.9 }\n";
    expect(parseScenario(yaml, REGIONS)).toEqual({
      steps: [
        { at: 0, region: "eu-west-1", waiting: 9, running: 4, replicas: 3, kvCache: 0.9 },
        { at: 30, region: "us-east-1", waiting: 1, running: 4, replicas: 2 },
      ],
    });
    expect(parseScenario(JSON.stringify([{ at: 5, region: "us-west-2", waiting: 0, running: 0, replicas: 1 }]), REGIONS).steps).toHaveLength(1);
  });

  it("names every problem at once: its step, the field, what was received and what is allowed", () => {
    const text = JSON.stringify([
      { at: -1, region: "mars-1", waiting: 1, running: 1, replicas: 1 },
      { at: 1, region: "us-east-1", waiting: "many", running: 1, replicas: 0.5, kvCache: 2, extra: true },
      "oops",
    ]);
    expect(parseScenario(text, REGIONS).errors).toEqual([
      'step 1: region "mars-1" is not one of the config\'s steered regions (us-east-1, us-west-2, eu-west-1)',
      "step 1: at must be a number >= 0, received -1",
      "step 2: unknown field(s) extra (allowed: at, region, waiting, running, replicas, kvCache)",
      'step 2: waiting must be a number >= 0, received "many"',
      "step 2: replicas must be a whole number >= 1, received 0.5",
      "step 2: kvCache must be a number from 0 to 1, received 2",
      'step 3: expected { at, region, waiting, running, replicas, kvCache? }, received "oops"',
    ]);
  });

  it("must be a non-empty list in JSON or YAML", () => {
    expect(parseScenario("{ at: 1 }", REGIONS).errors).toEqual(["expected a list of steps ({ at, region, waiting, running, replicas, kvCache? }), received object"]);
    expect(parseScenario("[]", REGIONS).errors).toEqual(["expected a list of steps ({ at, region, waiting, running, replicas, kvCache? }), received an empty list"]);
    expect(parseScenario("[: oops", REGIONS).errors?.[0]).toMatch(/^not JSON or YAML: /);
  });

  it("by default saturates the first region and then clears it, the others calm throughout", () => {
    const steps = defaultScenario(REGIONS);
    expect(parseScenario(JSON.stringify(steps), REGIONS).errors).toBeUndefined();
    const perReplica = (region: string, at: number) => {
      const s = loadAt(steps, region, at);
      return s.waiting / s.replicas;
    };
    expect(perReplica("us-east-1", 5)).toBeLessThan(2);
    expect(perReplica("us-east-1", 30)).toBeGreaterThan(16);
    expect(perReplica("us-east-1", 80)).toBe(0);
    for (const t of [0, 30, 80]) expect(perReplica("eu-west-1", t)).toBeLessThan(2);
  });

  it("shows a region's latest step at or before a moment, nothing before its first", () => {
    const steps = [
      { at: 10, region: "us-east-1", waiting: 1, running: 1, replicas: 1 },
      { at: 20, region: "us-east-1", waiting: 2, running: 1, replicas: 1 },
    ];
    expect(loadAt(steps, "us-east-1", 9)).toBeUndefined();
    expect(loadAt(steps, "us-east-1", 10).waiting).toBe(1);
    expect(loadAt(steps, "us-east-1", 25).waiting).toBe(2);
    expect(loadAt(steps, "eu-west-1", 25)).toBeUndefined();
  });
});

const d = (region: string, signal: number | null, from: number, to: number, action: string, reason: string) => ({ stack: "demo", listener: "chat", region, signal, from, to, ceiling: 100, action, reason });
const ticks = [
  { at: 2, decisions: [d("us-east-1", 3, 100, 100, "hold", "between the watermarks"), d("eu-west-1", 1, 100, 100, "hold", "below the low watermark, at the ceiling")] },
  { at: 4, decisions: [d("us-east-1", 12.5, 100, 80, "shed", "queue 12.5 above the high watermark 8"), d("eu-west-1", null, 100, 100, "hold", "no sample")] },
  { at: 6, decisions: [d("us-east-1", 1, 80, 90, "restore", "below the low watermark"), d("eu-west-1", 1, 100, 100, "hold", "at the ceiling")] },
];
const steps = [{ at: 3, region: "us-east-1", waiting: 50, running: 8, replicas: 4 }];

describe("the report", () => {
  it("prints a timeline of load steps and dial changes, in time order", () => {
    expect(timeline(ticks, steps)).toBe(
      [
        "   +3.0s  load    us-east-1: 50 waiting / 4 replicas (12.5 per replica)",
        "   +4.0s  shed    chat/us-east-1: dial 100 -> 80 (ceiling 100; signal 12.5): queue 12.5 above the high watermark 8",
        "   +6.0s  restore chat/us-east-1: dial 80 -> 90 (ceiling 100; signal 1): below the low watermark",
      ].join("\n"),
    );
  });

  /** The page's SVGs, each as its text. */
  const svgsOf = (html: string) => [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
  const count = (text: string, re: RegExp) => [...text.matchAll(re)].length;

  it("draws one chart per group: the dial as a step line over time, the signal with a gap where there was no sample, both watermarks", () => {
    const html = reportHtml({ title: "rehearsal", ticks, steps, watermarks: { "us-east-1": { low: 2, high: 8 }, "eu-west-1": { low: 2, high: 8 } }, plan: "no changes" });
    expect(html).not.toMatch(/<script|<link|<img|https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // self-contained
    const svgs = svgsOf(html);
    expect(svgs.map((svg) => /<text[^>]*class="title">([^<]*)</.exec(svg)?.[1])).toEqual(["demo chat/us-east-1", "demo chat/eu-west-1"]);
    const [east, west] = svgs;
    // Three ticks: the dial holds 100 until the shed at 4 s, then 80 until the restore at 6 s.
    const dial = /<path d="([^"]*)" class="dial-line"/.exec(east)?.[1] ?? "";
    expect(dial.split(" ")).toHaveLength(5);
    expect(count(east, /class="signal-line"/g)).toBe(1);
    expect(count(west, /class="signal-line"/g)).toBe(2); // the sample missing at 4 s splits the line
    expect(count(east, /class="high"/g)).toBe(1);
    expect(count(east, /class="low"/g)).toBe(1);
    expect(html).toContain("<p>3 ticks over 6 s, 2 dial change(s). Plan after the rehearsal: <strong>no changes</strong>.</p>");
  });

  it("shows the plan's diff when the plan was not empty", () => {
    const html = reportHtml({ title: "rehearsal", ticks, steps, watermarks: {}, plan: "  ~ traffic_dial_percentage = 80 -> 100 <x>" });
    expect(html).toContain("<pre>  ~ traffic_dial_percentage = 80 -&gt; 100 &lt;x&gt;</pre>");
    expect(html).toContain("<strong>CHANGES (below)</strong>");
  });
});
