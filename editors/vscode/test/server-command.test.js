'use strict';
// How the client finds `obligate lsp` (lib/server-command.js), without VS Code.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { serverCommand } = require('../lib/server-command');

const CASES = [
  {
    what: 'the setting wins over a workspace virtual environment',
    options: { setting: '/opt/obligate/bin/obligate', folders: ['/w'], exists: () => true },
    want: { command: '/opt/obligate/bin/obligate', source: 'setting obligate.path' },
  },
  {
    what: '${workspaceFolder} in the setting is the first folder',
    options: { setting: '${workspaceFolder}/env/bin/obligate', folders: ['/w', '/x'], exists: () => false },
    want: { command: '/w/env/bin/obligate', source: 'setting obligate.path' },
  },
  {
    what: 'a leading ~ in the setting is the home directory',
    options: { setting: '~/bin/obligate', home: '/home/lawyer', exists: () => false },
    want: { command: '/home/lawyer/bin/obligate', source: 'setting obligate.path' },
  },
  {
    what: 'a blank setting is no setting',
    options: { setting: '  ', folders: [], exists: () => false },
    want: { command: 'obligate', source: 'PATH' },
  },
  {
    what: "a workspace's .venv on Linux and macOS",
    options: { folders: ['/w'], platform: 'linux', exists: (f) => f === '/w/.venv/bin/obligate' },
    want: { command: '/w/.venv/bin/obligate', source: 'workspace .venv' },
  },
  {
    what: 'a venv directory when there is no .venv',
    options: { folders: ['/w'], platform: 'darwin', exists: (f) => f === '/w/venv/bin/obligate' },
    want: { command: '/w/venv/bin/obligate', source: 'workspace venv' },
  },
  {
    what: "the second folder's .venv when the first has none",
    options: { folders: ['/a', '/b'], platform: 'linux', exists: (f) => f.startsWith('/b/.venv') },
    want: { command: '/b/.venv/bin/obligate', source: 'workspace .venv' },
  },
  {
    what: 'Scripts\\obligate.exe on Windows',
    options: { folders: ['C:\\w'], platform: 'win32', exists: (f) => f === 'C:\\w\\.venv\\Scripts\\obligate.exe' },
    want: { command: 'C:\\w\\.venv\\Scripts\\obligate.exe', source: 'workspace .venv' },
  },
  {
    what: "an untrusted workspace's virtual environment is not run",
    options: { folders: ['/w'], platform: 'linux', trusted: false, exists: () => true },
    want: { command: 'obligate', source: 'PATH' },
  },
  {
    what: 'obligate on the PATH when nothing else is found',
    options: { folders: ['/w'], platform: 'linux', exists: () => false },
    want: { command: 'obligate', source: 'PATH' },
  },
];

test('the client finds the obligate command', () => {
  for (const { what, options, want } of CASES) {
    const got = serverCommand(options);
    assert.deepEqual(got, { ...want, args: ['lsp'] }, what);
  }
});
