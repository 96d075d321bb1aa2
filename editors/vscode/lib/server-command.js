'use strict';
// How the extension finds the command that runs the obligate language server. Kept apart from
// extension.js (and from the `vscode` module) so that it is tested with plain Node.
//
// Order: the `obligate.path` setting when set; else the `obligate` of a virtual environment
// in a workspace folder (`.venv`, then `venv`), which is where the project's README installs
// it; else `obligate` on the PATH. The server is always started as `<command> lsp`.
// In a workspace the user has not trusted, a program inside the workspace is never run (VS Code
// already drops the workspace's value of obligate.path there, as package.json asks).
const path = require('node:path');
const os = require('node:os');

const VENV_DIRECTORIES = ['.venv', 'venv'];

function venvExecutable(folder, venv, platform) {
  return platform === 'win32'
    ? path.win32.join(folder, venv, 'Scripts', 'obligate.exe')
    : path.posix.join(folder, venv, 'bin', 'obligate');
}

function expand(setting, folders, home) {
  let value = setting.trim();
  if (folders.length > 0) value = value.split('${workspaceFolder}').join(folders[0]);
  if (value === '~' || value.startsWith('~/')) value = home + value.slice(1);
  return value;
}

// options: { setting, folders, platform, exists(file) -> boolean, home, trusted }
// returns { command, args, source } where source says which rule chose the command.
function serverCommand({ setting = '', folders = [], platform = process.platform,
  exists, home = os.homedir(), trusted = true }) {
  if (setting.trim() !== '') {
    return { command: expand(setting, folders, home), args: ['lsp'], source: 'setting obligate.path' };
  }
  for (const folder of trusted ? folders : []) {
    for (const venv of VENV_DIRECTORIES) {
      const candidate = venvExecutable(folder, venv, platform);
      if (exists(candidate)) return { command: candidate, args: ['lsp'], source: `workspace ${venv}` };
    }
  }
  return { command: 'obligate', args: ['lsp'], source: 'PATH' };
}

module.exports = { serverCommand };
