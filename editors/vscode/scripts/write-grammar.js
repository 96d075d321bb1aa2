'use strict';
// Writes the grammar of scripts/grammar.js to the files editors read:
//   syntaxes/obligate.tmLanguage.json   VS Code, JetBrains TextMate bundles, Shiki
//   ../sublime/Obligate.tmLanguage       Sublime Text and TextMate (XML property list)
// Run with `npm run grammar`; with --check it writes nothing and exits 1 when a file is stale.
const fs = require('node:fs');
const path = require('node:path');
const { grammar } = require('./grammar');

const root = path.resolve(__dirname, '..');
const outputs = {
  [path.join(root, 'syntaxes', 'obligate.tmLanguage.json')]: () => `${JSON.stringify(grammar, null, 2)}\n`,
  [path.join(root, '..', 'sublime', 'Obligate.tmLanguage')]: () => toPlist(grammar),
};

function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function plistValue(value, indent) {
  const pad = '  '.repeat(indent);
  if (typeof value === 'string') return `${pad}<string>${escapeXml(value)}</string>`;
  if (Array.isArray(value)) {
    const items = value.map((item) => plistValue(item, indent + 1));
    return [`${pad}<array>`, ...items, `${pad}</array>`].join('\n');
  }
  const lines = [`${pad}<dict>`];
  for (const [key, item] of Object.entries(value)) {
    if (key === '$schema') continue;
    lines.push(`${pad}  <key>${escapeXml(key)}</key>`, plistValue(item, indent + 1));
  }
  lines.push(`${pad}</dict>`);
  return lines.join('\n');
}

function toPlist(value) {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    plistValue(value, 0),
    '</plist>',
    '',
  ].join('\n');
}

function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, render] of Object.entries(outputs)) {
    const text = render();
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    if (current === text) continue;
    if (check) {
      console.error(`${path.relative(root, file)} is out of date: run npm run grammar`);
      stale += 1;
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
  }
  process.exitCode = stale ? 1 : 0;
}

if (require.main === module) main();
module.exports = { outputs, toPlist };
