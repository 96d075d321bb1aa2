'use strict';
// The VS Code client for the obligate language server: it starts `obligate lsp` over stdio
// for .obl files and restarts it when the `obligate.path` setting changes. Highlighting,
// brackets and comments come from the grammar and the language configuration and work even
// when no server can be started.
const fs = require('node:fs');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
const { serverCommand } = require('./lib/server-command');

let client;
let output;
let watcher;

function resolveCommand() {
  const folders = (vscode.workspace.workspaceFolders || []).map((folder) => folder.uri.fsPath);
  return serverCommand({
    setting: vscode.workspace.getConfiguration('obligate').get('path', ''),
    folders,
    exists: (file) => fs.existsSync(file),
    trusted: vscode.workspace.isTrusted,
  });
}

async function start() {
  const { command, args, source } = resolveCommand();
  output.appendLine(`Starting ${command} ${args.join(' ')} (from ${source})`);
  const executable = { command, args, transport: TransportKind.stdio };
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'obligate' },
      { scheme: 'untitled', language: 'obligate' },
    ],
    synchronize: { fileEvents: watcher },
    outputChannel: output,
  };
  client = new LanguageClient('obligate', 'Obligate', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const choice = await vscode.window.showWarningMessage(
      `Obligate: could not start "${command} lsp" (${error.message || error}). Highlighting still ` +
      'works; for diagnostics, hover and completion install obligate or set obligate.path.',
      'Open Settings');
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'obligate.path');
    }
  }
}

async function stop() {
  if (!client) return;
  const running = client;
  client = undefined;
  try {
    await running.stop();
  } catch (error) {
    output.appendLine(`Stopping the server: ${error.message || error}`);
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  output = vscode.window.createOutputChannel('Obligate');
  watcher = vscode.workspace.createFileSystemWatcher('**/*.obl');
  context.subscriptions.push(
    output,
    watcher,
    vscode.commands.registerCommand('obligate.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('obligate.path')) restart();
    }),
    // Once the user trusts the workspace, its virtual environment may be used.
    vscode.workspace.onDidGrantWorkspaceTrust(restart),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
