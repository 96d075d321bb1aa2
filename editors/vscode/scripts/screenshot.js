'use strict';
// Renders a shipped rule file as VS Code colours it, for docs/editors.md: the committed grammar
// and VS Code's own Dark+ and Light+ themes, tokenised by Shiki (which runs vscode-textmate on
// Oniguruma, like VS Code), then photographed by headless Chromium.
//
//   npm run screenshot        writes images/highlighting-dark.png and images/highlighting-light.png
// Needs a `chromium` (or CHROMIUM=/path/to/chrome) on the machine; not part of build.sh.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const repo = path.resolve(root, '..', '..');
const SAMPLE = { file: 'rules/us/states/ms.obl', from: 1, to: 39 };
const THEMES = { dark: 'dark-plus', light: 'light-plus' };
const LINE_HEIGHT = 20;

function page(html, theme) {
  const background = theme === 'dark' ? '#1e1e1e' : '#ffffff';
  return `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: ${background}; }
pre.shiki { margin: 0; padding: 12px 16px; font: 14px/${LINE_HEIGHT}px "DejaVu Sans Mono", monospace; }
</style>${html}`;
}

async function main() {
  const { createHighlighter } = await import('shiki');
  const grammar = JSON.parse(fs.readFileSync(path.join(root, 'syntaxes', 'obligate.tmLanguage.json'), 'utf8'));
  const highlighter = await createHighlighter({
    themes: Object.values(THEMES),
    langs: [{ ...grammar, name: 'obligate' }],
  });
  const text = fs.readFileSync(path.join(repo, SAMPLE.file), 'utf8')
    .split('\n').slice(SAMPLE.from - 1, SAMPLE.to).join('\n');
  const chromium = process.env.CHROMIUM || 'chromium';
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'obligate-shot-'));
  fs.mkdirSync(path.join(root, 'images'), { recursive: true });
  try {
    for (const [name, theme] of Object.entries(THEMES)) {
      const html = path.join(work, `${name}.html`);
      fs.writeFileSync(html, page(highlighter.codeToHtml(text, { lang: 'obligate', theme }), name));
      const png = path.join(root, 'images', `highlighting-${name}.png`);
      const height = (SAMPLE.to - SAMPLE.from + 1) * LINE_HEIGHT + 24;
      const result = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu',
        '--hide-scrollbars', `--window-size=1280,${height}`, `--screenshot=${png}`, `file://${html}`],
      { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${chromium} failed: ${result.stderr}`);
      console.log(`${path.relative(repo, png)}: ${SAMPLE.file} lines ${SAMPLE.from}-${SAMPLE.to}, ${theme}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
