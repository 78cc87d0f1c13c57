// The MFlow extension's code: starts the language server `maestroc lsp` (stdio) through
// vscode-languageclient for every `.mflow` file. The TextMate grammar and the language
// configuration are declarative (package.json); they work without this code and without
// maestroc installed.
//
// Settings: `maestroc.path` (the maestroc binary, default `maestroc` from PATH) and
// `maestroc.lsp.enable` (default true). Changing either restarts the server. When the binary
// cannot be found, or the server fails to start, one error message says so and offers to
// open the settings; highlighting keeps working.
//
// esbuild bundles this file with vscode-languageclient into dist/extension.js (`npm run
// bundle`), so the .vsix is packaged with `vsce package --no-dependencies`.
"use strict";

const { execFile } = require("child_process");
const fs = require("fs");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

const SECTION = "maestroc";

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;

/**
 * The executable `command` names, or undefined when there is none. A command with a path
 * separator is taken as a path (a relative one from the first workspace folder); a bare
 * name is searched in PATH (with PATHEXT on Windows), as the shell would.
 * @param {string} command
 * @returns {string | undefined}
 */
function resolveCommand(command) {
  const isWindows = process.platform === "win32";
  const exts = isWindows
    ? ["", ...(process.env.PATHEXT || ".EXE;.CMD;.BAT;.COM").split(";").filter(Boolean)]
    : [""];
  const runnable = (file) => {
    for (const ext of exts) {
      const candidate = file + ext;
      try {
        const stat = fs.statSync(candidate);
        if (!stat.isFile()) continue;
        if (!isWindows) fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not this one
      }
    }
    return undefined;
  };
  if (command.includes("/") || (isWindows && command.includes("\\"))) {
    let file = command;
    if (file.startsWith("~/")) {
      file = path.join(process.env.HOME || process.env.USERPROFILE || "", file.slice(2));
    } else if (!path.isAbsolute(file)) {
      const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
      file = path.resolve(folder ? folder.uri.fsPath : process.cwd(), file);
    }
    return runnable(file);
  }
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    if (!dir) continue;
    const found = runnable(path.join(dir, command));
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether `command lsp --help` succeeds: a maestroc that predates the language server
 * fails it (unknown subcommand), and starting it as a server would only give the client's
 * connection errors. Resolves to undefined when it works, or to what went wrong.
 * @param {string} command
 * @returns {Promise<string | undefined>}
 */
function probeServer(command) {
  return new Promise((resolve) => {
    execFile(command, ["lsp", "--help"], { timeout: 10000, windowsHide: true }, (err, _stdout, stderr) => {
      if (!err) {
        resolve(undefined);
        return;
      }
      const firstLine = String(stderr || "")
        .split(/\r?\n/)
        .map((line) => line.trim())
        .find((line) => line.length > 0);
      if (firstLine) resolve(firstLine);
      else if (err.killed) resolve("no answer within 10 s");
      else if (typeof err.code === "number") resolve(`exit status ${err.code}`);
      else resolve(err.message);
    });
  });
}

/** Shows `message` with a button that opens the extension's settings. */
async function showError(message) {
  const choice = await vscode.window.showErrorMessage(message, "Open Settings");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", SECTION);
  }
}

async function startServer() {
  const config = vscode.workspace.getConfiguration(SECTION);
  if (!config.get("lsp.enable", true)) {
    return;
  }
  const configured = (config.get("path", "maestroc") || "").trim() || "maestroc";
  const command = resolveCommand(configured);
  if (command === undefined) {
    void showError(
      `MFlow: the language server is off because maestroc was not found ` +
        `(maestroc.path is "${configured}"). Install maestroc or set "maestroc.path" ` +
        `to its full path; set "maestroc.lsp.enable" to false to silence this message.`,
    );
    return;
  }
  const problem = await probeServer(command);
  if (problem !== undefined) {
    void showError(
      `MFlow: the language server is off because "${command} lsp --help" failed: ${problem}. ` +
        `This maestroc may predate \`maestroc lsp\`; install a newer one or point "maestroc.path" at it.`,
    );
    return;
  }
  // No `transport`: stdio all the same, and the command line stays exactly `maestroc lsp`
  // (TransportKind.stdio would append `--stdio`).
  const run = { command, args: ["lsp"] };
  const serverOptions = { run, debug: run };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "mflow" },
      { scheme: "untitled", language: "mflow" },
    ],
    outputChannel: output,
  };
  let started;
  try {
    started = new LanguageClient("maestroc", "MFlow Language Server", serverOptions, clientOptions);
    client = started;
    await started.start();
  } catch (err) {
    if (started !== undefined && client === started) client = undefined;
    const reason = err instanceof Error ? err.message : String(err);
    void showError(
      `MFlow: "${command} lsp" did not start: ${reason}. See the "MFlow Language Server" output.`,
    );
  }
}

async function stopServer() {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch {
      // a server that already died has nothing left to stop
    }
  }
}

// Starts, stops and restarts run one at a time, in order: a setting changed twice quickly
// must not leave two servers running.
let pending = Promise.resolve();
function serialized(action) {
  pending = pending.then(action, action);
  return pending;
}

function restartServer() {
  return serialized(async () => {
    await stopServer();
    await startServer();
  });
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel("MFlow Language Server");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("maestroc.restartServer", restartServer),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.path`) || event.affectsConfiguration(`${SECTION}.lsp.enable`)) {
        void restartServer();
      }
    }),
    { dispose: () => void serialized(stopServer) },
  );
  await serialized(startServer);
}

function deactivate() {
  return serialized(stopServer);
}

module.exports = { activate, deactivate, resolveCommand };
