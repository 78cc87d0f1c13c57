#!/usr/bin/env node
// Checks of the MFlow TextMate grammar that the assertion files cannot make.
//
//   node check-grammar.js TOOLS_DIR GRAMMAR TESTS_DIR SOURCE...
//
// TOOLS_DIR is the npm prefix where vscode-tmgrammar-test was installed (it brings
// vscode-textmate and vscode-oniguruma). Two kinds of check, one output line each:
//   coverage  every scope name the grammar assigns appears in an assertion line of
//             some TESTS_DIR/*.test.mflow file;
//   tokenize  each SOURCE .mflow file (real examples) tokenizes with no
//             invalid.illegal scope, no reserved word scoped as a name, every clause
//             word that starts a line scoped as a keyword, and ends outside any
//             string, comment or brace.
// Prints `ok <check>` or `FAIL <check>: why` per check; exits 1 when any failed.
'use strict';

const fs = require('fs');
const path = require('path');

const [toolsDir, grammarPath, testsDir, ...sources] = process.argv.slice(2);
if (!toolsDir || !grammarPath || !testsDir) {
  console.error('usage: check-grammar.js TOOLS_DIR GRAMMAR TESTS_DIR SOURCE...');
  process.exit(2);
}
const modules = path.join(path.resolve(toolsDir), 'node_modules');
const vsctm = require(path.join(modules, 'vscode-textmate'));
const oniguruma = require(path.join(modules, 'vscode-oniguruma'));

const RESERVED = new Set(
  'import as workflow fn param const let step output foreach while if else then for in true false none and or not'.split(' ')
);
const CLAUSE_WORDS = new Set(
  ('run exec call sleep outputs env after retry backoff timeout on_failure concurrency strategy ' +
    'schedule with next limit image resources wait emit signal dir where on trigger tags catchup fixed ' +
    'since run_start profile').split(' ')
);

let failed = 0;
function report(ok, what, why) {
  if (ok) {
    console.log(`ok ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${what}: ${why}`);
  }
}

// ------------------------------------------------------------------ coverage
const grammarText = fs.readFileSync(grammarPath, 'utf8');
const grammarJson = JSON.parse(grammarText);

// Every `name` and `contentName` anywhere in the grammar except the top level's.
function collectScopes(node, out) {
  if (Array.isArray(node)) {
    node.forEach((x) => collectScopes(x, out));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'name' || key === 'contentName') && typeof value === 'string') {
        value.split(/\s+/).filter(Boolean).forEach((s) => out.add(s));
      } else {
        collectScopes(value, out);
      }
    }
  }
  return out;
}
const scopes = collectScopes(grammarJson.repository, new Set());
grammarJson.patterns.forEach((p) => collectScopes(p, scopes));

const asserted = new Set();
const testFiles = fs
  .readdirSync(testsDir)
  .filter((f) => f.endsWith('.test.mflow'))
  .map((f) => path.join(testsDir, f));
for (const file of testFiles) {
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    // Assertion lines: `//` then `^…` or `<-…`, then scopes (`- scope` ones too).
    const m = /^\/\/\s*(?:\^+|<~*-+)(.*)$/.exec(line);
    if (m) {
      m[1].split(/\s+/).filter((s) => s && s !== '-').forEach((s) => asserted.add(s));
    }
  }
}
const missing = [...scopes].filter((s) => !asserted.has(s)).sort();
report(
  missing.length === 0,
  `coverage (${scopes.size} scopes, ${testFiles.length} test files)`,
  `scopes no assertion names: ${missing.join(', ')}`
);

// ------------------------------------------------------------------ tokenize
const wasm = fs.readFileSync(path.join(modules, 'vscode-oniguruma', 'release', 'onig.wasm'));
const onigLib = oniguruma.loadWASM(wasm.buffer).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));
const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async (scopeName) =>
    scopeName === grammarJson.scopeName ? vsctm.parseRawGrammar(grammarText, grammarPath) : null,
});

registry
  .loadGrammar(grammarJson.scopeName)
  .then((grammar) => {
    for (const file of sources) {
      const problems = [];
      let state = vsctm.INITIAL;
      fs.readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .forEach((line, n) => {
          const result = grammar.tokenizeLine(line, state);
          state = result.ruleStack;
          for (const token of result.tokens) {
            const text = line.slice(token.startIndex, token.endIndex);
            const where = `${n + 1}:${token.startIndex + 1}`;
            const bad = token.scopes.find((s) => s.startsWith('invalid.'));
            if (bad) {
              problems.push(`${where} ${bad} on ${JSON.stringify(text)}`);
            }
            // A reserved word is never a name.
            if (RESERVED.has(text) && token.scopes.some((s) => s.startsWith('variable.'))) {
              problems.push(`${where} reserved word ${text} scoped as a name`);
            }
            // A clause word that starts a line (outside strings and comments) starts a
            // clause, unless it is followed by what makes it a name: `:`, `=`, `.`, `,`.
            const inText = token.scopes.some((s) => s.startsWith('string.') || s.startsWith('comment.'));
            const rest = line.slice(token.endIndex);
            if (
              CLAUSE_WORDS.has(text) &&
              !inText &&
              line.slice(0, token.startIndex).trim() === '' &&
              !/^\s*(?:[:=.,)\]]|$)/.test(rest) &&
              !token.scopes.includes('keyword.other.clause.mflow')
            ) {
              problems.push(`${where} clause word ${text} at a line start is not a keyword`);
            }
          }
        });
      // INITIAL has depth 1: anything deeper is an unclosed string, comment or brace.
      if (state.depth !== 1) {
        problems.push(`ends inside a region (state depth ${state.depth})`);
      }
      report(problems.length === 0, `tokenize ${file}`, problems.slice(0, 5).join('; '));
    }
    process.exit(failed ? 1 : 0);
  })
  .catch((err) => {
    report(false, 'load grammar', String(err));
    process.exit(1);
  });
