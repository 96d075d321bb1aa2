'use strict';
// The Vim/Neovim syntax file (editors/vim), run in a real headless Vim over shipped rule files.
// Vim is optional for the extension's build: without a `vim` on the PATH this test is skipped.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { REPO, EXTENSION } = require('./tokenizer');

const FILES = ['rules/us/states/ms.obl', 'rules/eu/dsa.obl', 'rules/eu/enforcement.obl',
  'rules/us/states/jurisdictions.obl', 'src/obligate/language/prelude.obl'];

// [file, a substring that picks the line, the text, its highlight group]
const EXPECTED = [
  ['rules/us/states/ms.obl', '# Mississippi', '# Mississippi: Walker', 'obligateComment'],
  ['rules/us/states/ms.obl', 'instrument US-MS-HB1126 ', 'instrument', 'obligateBlock'],
  ['rules/us/states/ms.obl', 'instrument US-MS-HB1126 ', 'US-MS-HB1126', 'obligateDeclared'],
  ['rules/us/states/ms.obl', '  jurisdiction: US-MS', 'jurisdiction', 'obligateField'],
  ['rules/us/states/ms.obl', '  jurisdiction: US-MS', 'US-MS', 'obligateId'],
  ['rules/us/states/ms.obl', 'adopted: 2024-04-30', '2024-04-30', 'obligateDate'],
  ['rules/us/states/ms.obl', '2025-04-17: injunction lifted', 'injunction lifted', 'obligateStatus'],
  ['rules/us/states/ms.obl', 'and user.age < parental_consent_age', 'user', 'obligateSubject'],
  ['rules/us/states/ms.obl', 'and user.age < parental_consent_age', 'age', 'obligateFact'],
  ['rules/us/states/ms.obl', 'and user.age < parental_consent_age', '<', 'obligateOperator'],
  ['rules/us/states/ms.obl', 'note: """Codified as Miss. Code Ann.', 'Codified as Miss', 'obligateNote'],
  ['rules/us/states/ms.obl', '  definitions ("known minor"', 'definitions', 'obligateNote'],
  ['rules/eu/dsa.obl', 'obligation EU-DSA-13-1 ', 'obligation', 'obligateBlock'],
  ['rules/eu/dsa.obl', 'category: legal_representative', 'legal_representative', 'obligateCategory'],
  ['rules/eu/dsa.obl', '    and not service is very_large_online_platform', 'not', 'obligateLogic'],
  ['rules/eu/enforcement.obl', 'penalty: up to 10_000_000 EUR', '10_000_000', 'obligateNumber'],
  ['rules/us/states/jurisdictions.obl', 'jurisdiction US-AL "Alabama" { part_of: US }', 'part_of', 'obligateField'],
  ['src/obligate/language/prelude.obl', '  type social_media', 'type', 'obligateBlock'],
  ['src/obligate/language/prelude.obl', '  type social_media', 'social_media', 'obligateDeclared'],
  ['src/obligate/language/prelude.obl', 'service fact monthly_active_users', 'jurisdiction', 'obligateType'],
];

function runVim(files) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'obligate-vim-')), 'segments.jsonl');
  const result = spawnSync('vim', ['-N', '-u', 'NONE', '-i', 'NONE', '-n', '-es',
    '--cmd', `set rtp^=${path.join(REPO, 'editors', 'vim')}`,
    '-c', 'filetype plugin on', '-c', 'syntax on',
    '-c', `source ${path.join(EXTENSION, 'test', 'vim-segments.vim')}`, '-c', 'qa!', ...files],
  { cwd: REPO, env: { ...process.env, OBLIGATE_VIM_OUT: out }, encoding: 'utf8', timeout: 120000 });
  assert.equal(result.status, 0, `vim failed: ${result.stderr}`);
  const parsed = fs.readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  fs.rmSync(path.dirname(out), { recursive: true });
  return Object.fromEntries(parsed.map((entry) => [entry.file, entry]));
}

const haveVim = spawnSync('vim', ['--version'], { encoding: 'utf8' }).status === 0;

test('the Vim syntax file highlights shipped rule files', { skip: haveVim ? false : 'no vim on the PATH' }, (t) => {
  const byFile = runVim(FILES);
  for (const file of FILES) {
    assert.equal(byFile[file].filetype, 'obligate', `${file}: filetype`);
    assert.equal(byFile[file].commentstring, '# %s', `${file}: commentstring`);
    const errors = byFile[file].segments.filter(([, , group]) => group === 'obligateBadDate');
    assert.deepEqual(errors, [], `${file}: marked as errors`);
  }
  const lines = Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(REPO, f), 'utf8').split('\n')]));
  for (const [file, pick, text, expected] of EXPECTED) {
    const number = lines[file].findIndex((l) => l.includes(pick)) + 1;
    assert.ok(number > 0, `${file}: no line contains ${JSON.stringify(pick)}`);
    const line = lines[file][number - 1];
    const at = line.indexOf(text, line.indexOf(pick));
    let start = 0;
    let group;
    for (const [, run, name] of byFile[file].segments.filter(([l]) => l === number)) {
      if (at >= start && at + text.length <= start + run.length) group = name;
      start += run.length;
    }
    assert.equal(group, expected, `${file}:${number}: ${JSON.stringify(text)}`);
  }
  t.diagnostic(`${FILES.length} files highlighted by Vim`);
});

test('Vim marks a malformed date, and leaves Oblivion scripts (also *.obl) alone', { skip: haveVim ? false : 'no vim on the PATH' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obligate-vim-files-'));
  const rule = path.join(dir, 'mistake.obl');
  const script = path.join(dir, 'oblivion.obl');
  fs.writeFileSync(rule, 'obligation X-1 "t" {\n  effective: 2024-2-1\n}\n');
  fs.writeFileSync(script, 'scn MyQuestScript\nbegin GameMode\nend\n');
  try {
    const byFile = runVim([rule, script]);
    assert.equal(byFile[rule].filetype, 'obligate');
    assert.ok(byFile[rule].segments.some(([l, run, group]) => l === 2 && run === '2024-2-1' && group === 'obligateBadDate'),
      JSON.stringify(byFile[rule].segments));
    assert.equal(byFile[script].filetype, 'obse');
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
