// The real-Prometheus harness the autopilot's tests and rehearsal use (scripts/lib/prometheus-server.js):
// how it starts, what it scrapes, reloads and backfills, and that it says so when it cannot.
import { existsSync, mkdtempSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
/* eslint-disable @typescript-eslint/no-require-imports */
const { prometheusAvailability, startPrometheus, backfill, query, configText, freePort } = require("../scripts/lib/prometheus-server");
/* eslint-enable @typescript-eslint/no-require-imports */

describe("the Prometheus harness", () => {
  it("finds prometheus and promtool, or says how to install them", () => {
    expect(prometheusAvailability()).toEqual({ ok: true, version: expect.stringMatching(/^prometheus, version \d+\.\d+/) });
    expect(prometheusAvailability({ PATH: mkdtempSync(join(tmpdir(), "smart-routing-empty-")) })).toEqual({
      ok: false,
      reason: "prometheus is not on PATH (a real Prometheus for the autopilot's tests and rehearsal; install it with: sudo apt-get update && sudo apt-get install -y prometheus)",
    });
  });

  it("scrapes each target with its labels and metrics path (reload is exercised in the signals smoke test)", () => {
    const targets = [{ url: "http://127.0.0.1:8123/metrics", labels: { region: "us-east-1" } }, { url: "https://10.0.0.1:8443/custom/path" }];
    expect(JSON.parse(configText(targets, 1)).scrape_configs).toEqual([
      {
        job_name: "model-servers",
        honor_timestamps: true,
        static_configs: [
          { targets: ["127.0.0.1:8123"], labels: { region: "us-east-1", __metrics_path__: "/metrics", __scheme__: "http" } },
          { targets: ["10.0.0.1:8443"], labels: { __metrics_path__: "/custom/path", __scheme__: "https" } },
        ],
      },
    ]);
  });

  it("takes another port when a process took the one it was given first, and gives up after five", async () => {
    // A process that holds the port and never answers (the harness must notice Prometheus' exit, not wait on it).
    const sockets: Socket[] = [];
    const squatter = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const taken = (squatter.address() as AddressInfo).port;
    try {
      const ports = [taken, taken];
      const prometheus = await startPrometheus({ port: async () => ports.shift() ?? (await freePort()) });
      try {
        expect(ports).toEqual([]);
        expect(prometheus.port).not.toBe(taken);
        expect((await fetch(`${prometheus.url}/-/ready`)).status).toBe(200);
      } finally {
        await prometheus.stop();
      }
      let attempts = 0;
      await expect(startPrometheus({ port: async () => (attempts++, taken) })).rejects.toThrow(/^prometheus exited with 1 before it was ready:\n[\s\S]*address already in use/);
      expect(attempts).toBe(5);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => squatter.close(r));
    }
  });

  it("stops and removes its folder", async () => {
    const prometheus = await startPrometheus();
    expect(existsSync(prometheus.logFile)).toBe(true);
    await prometheus.stop();
    expect(existsSync(prometheus.logFile)).toBe(false);
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
  });

  it("backfills samples at chosen times into a data folder the caller keeps, before the start", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "smart-routing-tsdb-")), "data");
    backfill(dataDir, 'w{region="a"} 1 1790000000\nw{region="a"} 2 1790000015\n');
    const prometheus = await startPrometheus({ dataDir });
    try {
      expect(await query(prometheus.url, "w", 1790000016)).toEqual([{ metric: { __name__: "w", region: "a" }, value: [1790000016, "2"] }]);
      expect(await query(prometheus.url, "timestamp(w)", 1790000016)).toEqual([{ metric: { region: "a" }, value: [1790000016, "1790000015"] }]);
    } finally {
      await prometheus.stop();
    }
    expect(existsSync(dataDir)).toBe(true);
  });

  it("says why a backfill failed", () => {
    expect(() => backfill(mkdtempSync(join(tmpdir(), "smart-routing-tsdb-")), "w{region= 1 2\n")).toThrow(/^promtool could not backfill the samples \(exit 1\): .*/s);
  });

  it("accepts remote write only when asked", async () => {
    const plain = await startPrometheus();
    const receiving = await startPrometheus({ remoteWrite: true });
    try {
      // An empty body is not a valid write request: the receiver rejects it (400); without one there is no such endpoint (404).
      const post = (url: string) => fetch(`${url}/api/v1/write`, { method: "POST", body: "" }).then((r) => r.status);
      expect([await post(plain.url), await post(receiving.url)]).toEqual([404, 400]);
    } finally {
      await plain.stop();
      await receiving.stop();
    }
  });

  it("writes whole-number durations, which is all Prometheus reads", () => {
    expect(JSON.parse(configText([], 0.5)).global).toEqual({ scrape_interval: "500ms", scrape_timeout: "450ms", evaluation_interval: "500ms" });
  });
});
