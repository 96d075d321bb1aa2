'use strict';
// Bundles the client (extension.js, lib/ and vscode-languageclient) into out/extension.js, so
// the .vsix holds one script instead of some 170 files, and writes the licences of the npm
// packages bundled into it to out/THIRD-PARTY-NOTICES.txt.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'out');

// The package that holds a bundled file: node_modules/<name> or node_modules/@scope/<name>,
// innermost first (a package may nest its own node_modules).
function packageDirectory(file) {
  const parts = file.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const length = parts[at + 1].startsWith('@') ? 3 : 2;
  return parts.slice(0, at + length).join('/');
}

function licenceText(directory) {
  const file = fs.readdirSync(directory).find((name) => /^licen[cs]e(\.|$)/i.test(name));
  if (!file) throw new Error(`${directory}: no licence file to include`);
  return fs.readFileSync(path.join(directory, file), 'utf8').trim();
}

async function main() {
  fs.rmSync(out, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['extension.js'],
    outfile: path.join(out, 'extension.js'),
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    external: ['vscode'],
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  const directories = [...new Set(Object.keys(result.metafile.inputs).map(packageDirectory).filter(Boolean))].sort();
  const notices = directories.map((directory) => {
    const { name, version, license } = JSON.parse(fs.readFileSync(path.join(root, directory, 'package.json'), 'utf8'));
    return `${name} ${version} (${license})\n\n${licenceText(path.join(root, directory))}\n`;
  });
  const header = 'out/extension.js bundles the following npm packages; their licences follow.\n';
  fs.writeFileSync(path.join(out, 'THIRD-PARTY-NOTICES.txt'), [header, ...notices].join(`\n${'-'.repeat(72)}\n\n`));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
