// The web view of `maestroc serve` in a real headless Chromium, driven over WebDriver
// (chromedriver) with nothing but Node's own fetch. Usage:
//   node tests/web/serve_view.mjs http://127.0.0.1:PORT SCREENSHOT_DIR
// The server must serve tests/web/flows.mflow. Prints "N passed, M failed" and exits 1 on failure.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, shots] = process.argv.slice(2);
if (!base || !shots) { console.error("usage: serve_view.mjs SERVE_URL SCREENSHOT_DIR"); process.exit(2); }
mkdirSync(shots, { recursive: true });
const driverPort = 9515 + Math.floor(Math.random() * 400);
const driver = spawn(process.env.CHROMEDRIVER || "/usr/bin/chromedriver", [`--port=${driverPort}`], { stdio: "ignore" });
const wd = `http://127.0.0.1:${driverPort}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let passed = 0, failed = 0, session = null;

async function call(method, path, body) {
  const res = await fetch(wd + path, { method, headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(data.value).slice(0, 300)}`);
  return data.value;
}
const api = async (path, init) => { const r = await fetch(base + path, init); return r.json(); };
const S = (p) => `/session/${session}${p}`;
const find = async (css) => { try { return await call("POST", S("/element"), { using: "css selector", value: css }); } catch { return null; } };
async function waitFor(css, what, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) { const e = await find(css); if (e) return e; await sleep(150); }
  throw new Error(`timed out waiting for ${what} (${css})`);
}
async function shot(name) {
  const png = await call("GET", S("/screenshot"));
  const file = join(shots, name + ".png");
  writeFileSync(file, Buffer.from(png, "base64"));
  console.log("screenshot:", file);
}
async function check(name, fn) {
  try { await fn(); passed++; console.log("ok -", name); } catch (e) { failed++; console.log("FAILED -", name + ":", e.message); await shot("failed-" + name.replace(/\W+/g, "_")).catch(() => {}); }
}
async function waitRun(id, states, ms = 20000) {
  const until = Date.now() + ms;
  while (Date.now() < until) { const r = await api("/api/runs/" + id); if (states.includes(r.state)) return r; await sleep(150); }
  throw new Error(`run ${id} did not reach ${states}`);
}
const start = async (workflow, params = {}) => (await api("/api/runs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ workflow, params }) })).run_id;

try {
  for (let i = 0; i < 50; i++) { try { await fetch(wd + "/status"); break; } catch { await sleep(100); } }
  const profile = mkdtempSync(join(tmpdir(), "maestroc-chromium-"));
  const s = await call("POST", "/session", { capabilities: { alwaysMatch: { browserName: "chrome", "goog:chromeOptions": {
    binary: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", `--user-data-dir=${profile}`, "--window-size=1400,1000"] } } } });
  session = s.sessionId;

  const quick = await start("quick", { who: "browser" });
  await waitRun(quick, ["succeeded"]);
  const fan = await start("fan");
  await waitRun(fan, ["succeeded"]);

  await check("the runs page lists a run", async () => {
    await call("POST", S("/url"), { url: base + "/#/runs" });
    await waitFor(`tr[data-run="${quick}"] .state[data-state="succeeded"]`, "the quick run, succeeded");
    await shot("runs");
  });
  await check("the run page shows its steps with their states", async () => {
    await call("POST", S("/url"), { url: base + "/#/run/" + quick });
    await waitFor('.node[data-step="greet"][data-state="succeeded"]', "step greet, succeeded");
    await waitFor('.node[data-step="shout"][data-state="succeeded"]', "step shout, succeeded");
    await waitFor("#timeline .bar.succeeded", "the timeline");
    await shot("run");
  });
  await check("foreach iterations are counted, with a drill-down", async () => {
    await call("POST", S("/url"), { url: base + "/#/run/" + fan });
    // The page redraws when the run's first event arrives: a box found before may be replaced.
    let text = "";
    for (let i = 0; i < 5; i++) {
      try {
        const node = await waitFor('.node.drill[data-step="load"]', "the foreach step as one box");
        text = await call("GET", S(`/element/${Object.values(node)[0]}/text`));
        await call("POST", S(`/element/${Object.values(node)[0]}/click`), {});
        break;
      } catch (e) { if (!String(e.message).includes("stale")) throw e; await sleep(200); }
    }
    if (!text.includes("3 instances") || !text.includes("3 succeeded")) throw new Error("summary was: " + text);
    await waitFor("#instances tr:nth-child(3)", "the three instances");
    await shot("foreach");
  });
  await check("the cancel button cancels a running run", async () => {
    const slow = await start("slow");
    await waitRun(slow, ["running"]);
    await call("POST", S("/url"), { url: base + "/#/run/" + slow });
    await waitFor('.node[data-step="nap"][data-state="running"]', "step nap, running");
    for (let i = 0; i < 5; i++) {
      try {
        const button = await waitFor("#cancel:not([disabled])", "an enabled cancel button");
        await call("POST", S(`/element/${Object.values(button)[0]}/click`), {});
        break;
      } catch (e) { if (!String(e.message).includes("stale")) throw e; await sleep(200); }
    }
    await waitFor('#run-state .state[data-state="cancelled"]', "the run shown as cancelled", 20000);
    const r = await api("/api/runs/" + slow);
    if (r.state !== "cancelled") throw new Error("the store says " + r.state);
    await shot("cancelled");
  });
  await check("the workflows page lists the workflows", async () => {
    await call("POST", S("/url"), { url: base + "/#/workflows" });
    const row = await waitFor('tr[data-workflow="slow"]', "workflow slow");
    const text = await call("GET", S(`/element/${Object.values(row)[0]}/text`));
    for (const want of ["0 2 * * *", "Europe/Amsterdam", "catchup none", "next:", 'on signal "nap_now"']) {
      if (!text.includes(want)) throw new Error(`the workflows page does not show ${want}: ${text}`);
    }
    await shot("workflows");
  });
} catch (e) {
  failed++;
  console.log("FAILED - setup:", e.message);
} finally {
  if (session) await call("DELETE", `/session/${session}`).catch(() => {});
  driver.kill();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
