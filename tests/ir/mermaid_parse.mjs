// Parses Mermaid files with Mermaid's own parser (in node, with jsdom for the DOM).
// Usage: node mermaid_parse.mjs NODE_MODULES_DIR FILE...
import { createRequire } from 'module';
import { pathToFileURL } from 'url';
import fs from 'fs';
import path from 'path';

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), 'x.js'));
const { JSDOM } = await import(pathToFileURL(require.resolve('jsdom')).href);
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;
const mermaidPath = path.join(path.resolve(modules), 'mermaid', 'dist', 'mermaid.core.mjs');
const { default: mermaid } = await import(pathToFileURL(mermaidPath).href);
mermaid.initialize({ startOnLoad: false });
let bad = 0;
for (const f of files) {
  try {
    await mermaid.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    bad++;
    console.log(`${f}: ${String(e.message || e)}`);
  }
}
process.exit(bad ? 1 : 0);
