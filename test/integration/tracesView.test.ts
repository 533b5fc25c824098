/** The Traces view's file list follows the `exitlens.traceGlob` setting of the real workspace. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS } from '../../src/shared/ids';
import { api, extension, workspaceRoot } from './helpers';

describe('Traces view (real workspace search)', () => {
  const config = () => vscode.workspace.getConfiguration();
  after(() => config().update(SETTINGS.traceGlob, undefined, vscode.ConfigurationTarget.Workspace));

  it('lists the files matching the glob, sorted by path', async () => {
    const exitlens = await api();
    await config().update(SETTINGS.traceGlob, 'traces/*.txt', vscode.ConfigurationTarget.Workspace);
    const onDisk = fs.readdirSync(vscode.Uri.joinPath(workspaceRoot(), 'traces').fsPath).filter((n) => n.endsWith('.txt')).sort();
    // scripts/lib/workspace.js copies every top-level test/fixtures/*.txt of the checkout under test.
    const fixtures = fs.readdirSync(vscode.Uri.joinPath(extension().extensionUri, 'test', 'fixtures').fsPath).filter((n) => n.endsWith('.txt')).sort();
    assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures`);
    assert.deepStrictEqual(onDisk, fixtures);
    const listed = (await exitlens.listTraceFiles()).map((u) => vscode.workspace.asRelativePath(u, false));
    assert.deepStrictEqual(listed, onDisk.map((n) => `traces/${n}`));
    await vscode.commands.executeCommand(COMMANDS.refreshTraces);
  });

  it('lists nothing when the glob matches nothing (default glob on .txt fixtures)', async () => {
    const exitlens = await api();
    await config().update(SETTINGS.traceGlob, undefined, vscode.ConfigurationTarget.Workspace);
    assert.deepStrictEqual(await exitlens.listTraceFiles(), []);
  });
});
