'use strict';
// Loads the committed TextMate grammar with the same engine VS Code uses (vscode-textmate on
// the Oniguruma regex library compiled to WebAssembly), so the tests see what the editor shows.
const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const EXTENSION = path.resolve(__dirname, '..');
const REPO = path.resolve(EXTENSION, '..', '..');
const GRAMMAR = path.join(EXTENSION, 'syntaxes', 'obligate.tmLanguage.json');

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.obligate') return null;
      return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR);
    },
  });
  return registry.loadGrammar('source.obligate');
}

// Tokenises a whole text; returns one entry per line: { line, tokens: [{ text, scopes }] },
// and the rule stack left after the last line.
function tokenizeText(grammar, text) {
  let stack = vsctm.INITIAL;
  const lines = text.split(/\r?\n/);
  const result = [];
  for (const [index, line] of lines.entries()) {
    const { tokens, ruleStack, stoppedEarly } = grammar.tokenizeLine(line, stack);
    if (stoppedEarly) throw new Error(`line ${index + 1}: tokenisation stopped early`);
    result.push({
      line,
      number: index + 1,
      tokens: tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })),
    });
    stack = ruleStack;
  }
  return { lines: result, stack };
}

// Every .obl file of the shipped library and the prelude, repository-relative, sorted.
function shippedRuleFiles() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.obl')) found.push(path.relative(REPO, full));
    }
  };
  walk(path.join(REPO, 'rules'));
  walk(path.join(REPO, 'src'));
  return found.sort();
}

// Problems a shipped file must not have: text the grammar marks invalid, and text that no
// rule scoped at all (only the file's own scope), which would mean a gap in the grammar.
function problems(tokenized) {
  const found = [];
  for (const { number, tokens } of tokenized.lines) {
    for (const { text, scopes } of tokens) {
      const invalid = scopes.find((s) => s.startsWith('invalid.'));
      if (invalid) found.push(`${number}: ${JSON.stringify(text)} is ${invalid}`);
      else if (scopes.length === 1 && text.trim() !== '') found.push(`${number}: ${JSON.stringify(text)} has no scope`);
    }
  }
  if (tokenized.stack.depth !== 1) found.push(`end of file: ${tokenized.stack.depth - 1} rule(s) still open`);
  return found;
}

module.exports = { loadGrammar, tokenizeText, shippedRuleFiles, problems, REPO, EXTENSION };
