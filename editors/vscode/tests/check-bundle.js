// Loads the bundled extension (dist/extension.js) in plain Node.js with a stub `vscode`
// module and checks what a user would see:
//   - the bundle needs nothing but Node.js built-ins and `vscode` (vscode-languageclient is
//     inside it, so the .vsix can be packaged with --no-dependencies);
//   - it exports activate/deactivate, and activate registers the restart command;
//   - with maestroc.lsp.enable = false nothing is started and nothing is shown;
//   - with maestroc.path naming a missing binary, activate does not throw and shows one
//     error message that names the setting and the path;
//   - maestroc.path is looked up in PATH, and a path must be an executable file;
//   - with a fake maestroc that speaks LSP, the bundled client spawns exactly `maestroc lsp`,
//     initializes it, and shuts it down (shutdown, exit) on deactivate; the restart
//     command replaces it with a second one;
//   - a maestroc without `lsp` (`lsp --help` fails) gives one error with its message and
//     no server is started;
//   - given a real maestroc with `lsp` (MAESTROC, optional): an open .mflow file with an
//     unknown name goes to the server (didOpen) and E0104 comes back (publishDiagnostics),
//     seen on the wire between the bundled client and the server.
// Usage: node check-bundle.js BUNDLE [MAESTROC]. Prints `ok NAME` / `FAIL NAME` lines; exit 1 on failure.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const Module = require("module");

const bundle = path.resolve(process.argv[2] || "dist/extension.js");
let failures = 0;
function check(name, cond, detail) {
  if (cond) {
    console.log(`ok ${name}`);
  } else {
    failures += 1;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
}

// ---------------------------------------------------------------- the stub `vscode`
const state = { settings: {}, errors: [], commands: [], handlers: {}, channels: [], documents: [] };
const noop = () => ({ dispose() {} });
// Anything the stub does not define is a harmless function/class, so loading the bundle
// (which reads vscode classes at load time) does not depend on the stub's completeness.
function lenient(target) {
  return new Proxy(target, {
    get(obj, prop) {
      if (prop in obj) return obj[prop];
      if (typeof prop === "symbol" || prop === "then") return undefined;
      return lenient(function stub() {});
    },
    construct() {
      return lenient({});
    },
    apply() {
      return lenient({ dispose() {} });
    },
  });
}
// The few classes vscode-languageclient needs to behave, not just exist.
class Disposable {
  constructor(onDispose) {
    this.onDispose = onDispose;
  }
  dispose() {
    if (this.onDispose) this.onDispose();
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d && d.dispose && d.dispose()));
  }
}
class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return new Disposable(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      });
    };
  }
  fire(event) {
    this.listeners.forEach((l) => l(event));
  }
  dispose() {
    this.listeners = [];
  }
}
const vscode = lenient({
  version: "1.90.0",
  env: lenient({ language: "en", appName: "stub" }),
  Disposable,
  EventEmitter,
  window: lenient({
    showErrorMessage: (message, ...items) => {
      state.errors.push({ message, items });
      return Promise.resolve(undefined);
    },
    createOutputChannel: (name) => {
      state.channels.push(name);
      return lenient({ dispose() {}, appendLine() {}, append() {} });
    },
  }),
  workspace: lenient({
    workspaceFolders: undefined,
    get textDocuments() {
      return state.documents;
    },
    getConfiguration: (section) =>
      lenient({
        get: (key, fallback) => {
          const full = `${section}.${key}`;
          return full in state.settings ? state.settings[full] : fallback;
        },
      }),
    onDidChangeConfiguration: noop,
  }),
  languages: lenient({
    match: (_selector, doc) => (doc.languageId === "mflow" ? 10 : 0),
  }),
  commands: lenient({
    registerCommand: (id, handler) => {
      state.commands.push(id);
      state.handlers[id] = handler;
      return { dispose() {} };
    },
    executeCommand: () => Promise.resolve(undefined),
  }),
});

const requested = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (parent && parent.filename === bundle) requested.add(request);
  if (request === "vscode") return vscode;
  return load.call(this, request, parent, isMain);
};

function context() {
  return { subscriptions: [], extensionPath: path.dirname(path.dirname(bundle)) };
}

async function main() {
  try {
    ext = require(bundle);
  } catch (err) {
    check("bundle loads with a stub vscode module", false, err && err.stack);
    return;
  }
  check("bundle loads with a stub vscode module", true);
  const builtins = new Set(Module.builtinModules.flatMap((m) => [m, `node:${m}`]));
  const outside = [...requested].filter((r) => r !== "vscode" && !builtins.has(r));
  check(
    "bundle requires only vscode and Node.js built-ins (vscode-languageclient is bundled)",
    outside.length === 0 && requested.has("vscode"),
    `requires ${JSON.stringify([...requested])}`,
  );
  check(
    "bundle exports activate and deactivate",
    typeof ext.activate === "function" && typeof ext.deactivate === "function",
  );

  // Disabled: nothing starts, nothing is shown.
  state.settings = { "maestroc.lsp.enable": false, "maestroc.path": "/nonexistent/maestroc" };
  state.errors = [];
  let threw;
  try {
    await ext.activate(context());
    await ext.deactivate();
  } catch (err) {
    threw = err;
  }
  check("maestroc.lsp.enable=false: activate succeeds", threw === undefined, threw && threw.stack);
  check("maestroc.lsp.enable=false: no error shown", state.errors.length === 0, JSON.stringify(state.errors));
  check(
    "activate registers the command maestroc.restartServer",
    state.commands.includes("maestroc.restartServer"),
    JSON.stringify(state.commands),
  );

  // Missing binary: one clear error, no exception.
  const missing = path.join(os.tmpdir(), `no-such-dir-${process.pid}`, "maestroc");
  state.settings = { "maestroc.path": missing };
  state.errors = [];
  threw = undefined;
  try {
    await ext.activate(context());
    await ext.deactivate();
  } catch (err) {
    threw = err;
  }
  check("missing binary: activate does not throw", threw === undefined, threw && threw.stack);
  const shown = state.errors.map((e) => e.message);
  check(
    "missing binary: one error naming maestroc.path and the path, with Open Settings",
    shown.length === 1 &&
      shown[0].includes("maestroc was not found") &&
      shown[0].includes(missing) &&
      shown[0].includes('"maestroc.path"') &&
      state.errors[0].items.includes("Open Settings"),
    JSON.stringify(state.errors),
  );

  // Missing from PATH by default name.
  const savedPath = process.env.PATH;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mflow-vscode-"));
  try {
    process.env.PATH = dir;
    state.settings = {};
    state.errors = [];
    await ext.activate(context());
    await ext.deactivate();
    check(
      "default maestroc.path, no maestroc in PATH: one error naming \"maestroc\"",
      state.errors.length === 1 && state.errors[0].message.includes('maestroc.path is "maestroc"'),
      JSON.stringify(state.errors),
    );

    // resolveCommand: PATH lookup and executable bits.
    const exe = path.join(dir, "maestroc");
    fs.writeFileSync(exe, "#!/bin/sh\n", { mode: 0o644 });
    check("a non-executable maestroc in PATH is not taken", ext.resolveCommand("maestroc") === undefined);
    fs.chmodSync(exe, 0o755);
    check("an executable maestroc in PATH is found", ext.resolveCommand("maestroc") === exe);
    check("an absolute path is taken as is", ext.resolveCommand(exe) === exe);
    check("a directory is not a binary", ext.resolveCommand(dir) === undefined);

    // A fake maestroc: `lsp --help` succeeds, `lsp` answers initialize and shutdown; every
    // command line and request is logged.
    const log = path.join(dir, "log");
    fs.writeFileSync(
      exe,
      `#!${process.execPath}
const fs = require("fs");
const log = (line) => fs.appendFileSync(${JSON.stringify(log)}, line + "\\n");
log("argv " + JSON.stringify(process.argv.slice(2)));
if (process.argv.includes("--help")) process.exit(0);
let buf = Buffer.alloc(0);
const send = (m) => {
  const s = JSON.stringify(m);
  process.stdout.write("Content-Length: " + Buffer.byteLength(s) + "\\r\\n\\r\\n" + s);
};
process.stdin.on("data", (d) => {
  buf = Buffer.concat([buf, d]);
  for (;;) {
    const end = buf.indexOf("\\r\\n\\r\\n");
    if (end < 0) return;
    const len = Number(/Content-Length: *(\\d+)/i.exec(buf.subarray(0, end).toString())[1]);
    if (buf.length < end + 4 + len) return;
    const m = JSON.parse(buf.subarray(end + 4, end + 4 + len).toString());
    buf = buf.subarray(end + 4 + len);
    log("recv " + m.method);
    if (m.method === "initialize") send({ jsonrpc: "2.0", id: m.id, result: { capabilities: {} } });
    else if (m.method === "shutdown") send({ jsonrpc: "2.0", id: m.id, result: null });
    else if (m.method === "exit") process.exit(0);
  }
});
`,
      { mode: 0o755 },
    );
    state.settings = {};
    state.errors = [];
    threw = undefined;
    try {
      await ext.activate(context());
      await ext.deactivate();
    } catch (err) {
      threw = err;
    }
    check("fake maestroc lsp: activate and deactivate succeed", threw === undefined, threw && threw.stack);
    check("fake maestroc lsp: no error shown", state.errors.length === 0, JSON.stringify(state.errors));
    // stop() resolves once `exit` is written; the fake server logs it a moment later.
    const readLog = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []);
    for (let waited = 0; waited < 5000 && !readLog().includes("recv exit"); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seen = readLog();
    const want = ['argv ["lsp","--help"]', 'argv ["lsp"]', "recv initialize", "recv initialized", "recv shutdown", "recv exit"];
    check(
      "fake maestroc lsp: spawned as `maestroc lsp`, initialized, shut down on deactivate",
      JSON.stringify(seen) === JSON.stringify(want),
      `server saw ${JSON.stringify(seen)}`,
    );

    // The restart command: the first server is shut down, a second one started.
    fs.rmSync(log, { force: true });
    const count = (line) => readLog().filter((l) => l === line).length;
    threw = undefined;
    try {
      await ext.activate(context());
      await state.handlers["maestroc.restartServer"]();
      await ext.deactivate();
      for (let waited = 0; waited < 5000 && count("recv exit") < 2; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (err) {
      threw = err;
    }
    check(
      "fake maestroc lsp: MFlow: Restart Language Server stops the server and starts another",
      threw === undefined &&
        state.errors.length === 0 &&
        count('argv ["lsp"]') === 2 &&
        count("recv initialize") === 2 &&
        count("recv shutdown") === 2 &&
        count("recv exit") === 2,
      (threw && threw.stack) || `server saw ${JSON.stringify(readLog())}, errors ${JSON.stringify(state.errors)}`,
    );

    // A maestroc from before the language server.
    fs.writeFileSync(exe, "#!/bin/sh\necho \"error: unrecognized subcommand 'lsp'\" >&2\nexit 2\n", { mode: 0o755 });
    state.errors = [];
    threw = undefined;
    try {
      await ext.activate(context());
      await ext.deactivate();
    } catch (err) {
      threw = err;
    }
    check("maestroc without lsp: activate does not throw", threw === undefined, threw && threw.stack);
    check(
      "maestroc without lsp: one error quoting its message",
      state.errors.length === 1 &&
        state.errors[0].message.includes("lsp --help\" failed: error: unrecognized subcommand 'lsp'"),
      JSON.stringify(state.errors),
    );

    const real = process.argv[3];
    if (real) await realServer(real, dir, exe, context);
  } finally {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The real `maestroc lsp` behind a relay that copies both directions of the stdio
// conversation to a log, so the test sees what the server answered.
async function realServer(real, dir, exe, context) {
  const { execFileSync } = require("child_process");
  try {
    execFileSync(real, ["lsp", "--help"], { stdio: "ignore" });
  } catch {
    console.log(`skip real maestroc lsp: ${real} has no \`lsp\` command`);
    return;
  }
  const wire = path.join(dir, "wire");
  fs.writeFileSync(
    exe,
    `#!${process.execPath}
const fs = require("fs");
const { spawn } = require("child_process");
const child = spawn(${JSON.stringify(real)}, process.argv.slice(2), { stdio: ["pipe", "pipe", "inherit"] });
process.stdin.on("data", (d) => { fs.appendFileSync(${JSON.stringify(wire)}, d); child.stdin.write(d); });
process.stdin.on("end", () => child.stdin.end());
child.stdout.on("data", (d) => { fs.appendFileSync(${JSON.stringify(wire)}, d); process.stdout.write(d); });
child.on("exit", (code) => process.exit(code === null ? 1 : code));
`,
    { mode: 0o755 },
  );
  const file = path.join(dir, "broken.mflow");
  const text = 'workflow w {\n  step a { run "echo ${nope}" }\n}\n';
  fs.writeFileSync(file, text);
  const uri = `file://${file}`;
  const asUri = { scheme: "file", fsPath: file, path: file, toString: () => uri };
  state.documents = [
    { uri: asUri, fileName: file, languageId: "mflow", version: 1, isClosed: false, lineCount: 3, getText: () => text },
  ];
  state.settings = {};
  state.errors = [];
  let threw;
  let seen = "";
  try {
    await ext.activate(context());
    for (let waited = 0; waited < 30000 && !/publishDiagnostics/.test(seen); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = fs.existsSync(wire) ? fs.readFileSync(wire, "utf8") : "";
    }
    await ext.deactivate();
  } catch (err) {
    threw = err;
  } finally {
    state.documents = [];
  }
  check("real maestroc lsp: activate and deactivate succeed, no error shown", threw === undefined && state.errors.length === 0, (threw && threw.stack) || JSON.stringify(state.errors));
  const messages = seen
    .split(/Content-Length: *\d+\r\n\r\n/)
    .map((chunk) => {
      try {
        return JSON.parse(chunk);
      } catch {
        return undefined;
      }
    })
    .filter(Boolean);
  const opened = messages.find((m) => m.method === "textDocument/didOpen");
  check("real maestroc lsp: the open .mflow file is sent (didOpen)", opened !== undefined && opened.params.textDocument.uri === uri && opened.params.textDocument.text === text, JSON.stringify(opened));
  const diags = messages.filter((m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri);
  const codes = diags.flatMap((m) => m.params.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`));
  check("real maestroc lsp: E0104 for `nope` at 1:23 comes back (publishDiagnostics)", codes.includes("E0104@1:23"), `diagnostics ${JSON.stringify(codes)}`);
}

let ext;
main().then(
  () => process.exit(failures === 0 ? 0 : 1),
  (err) => {
    console.log(`FAIL check-bundle.js: ${err && err.stack}`);
    process.exit(1);
  },
);
