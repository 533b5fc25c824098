/**
 * Activation and contributions, checked against the running VS Code: every contributed command is
 * registered (and nothing else under `exitlens.`), views and settings exist.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS, VIEWS, VIEW_CONTAINER } from '../../src/shared/ids';
import { api, extension, manifest } from './helpers';

describe('ExitLens activation (real extension host)', () => {
  before(async () => {
    await api();
  });

  it('is active after activate() and exposes its API', async () => {
    const exitlens = await api();
    assert.strictEqual(extension().isActive, true);
    assert.strictEqual(exitlens.apiVersion, 1);
  });

  it('registers exactly the commands package.json contributes', async () => {
    const contributed = manifest().contributes.commands.map((c) => c.command).sort();
    // VS Code itself registers `<viewId>.focus`, `<viewId>.resetViewLocation`… for each view: not ours.
    const viewCommand = (id: string) => Object.values(VIEWS).some((v) => id.startsWith(`${v}.`));
    const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('exitlens.') && !viewCommand(id)).sort();
    assert.deepStrictEqual(registered, contributed);
    assert.deepStrictEqual(contributed, Object.values(COMMANDS).sort());
  });

  it('puts every command in the ExitLens category', () => {
    for (const c of manifest().contributes.commands) assert.strictEqual(c.category, 'ExitLens', c.command);
  });

  it('contributes the activity-bar container with the Traces and Hot Exit Sites views', async () => {
    assert.deepStrictEqual(manifest().contributes.views[VIEW_CONTAINER].map((v) => v.id), Object.values(VIEWS));
    const all = await vscode.commands.getCommands(true);
    for (const view of Object.values(VIEWS)) assert.ok(all.includes(`${view}.focus`), `${view}.focus is not registered`);
    await vscode.commands.executeCommand(`workbench.view.extension.${VIEW_CONTAINER}`);
    await vscode.commands.executeCommand(`${VIEWS.traces}.focus`);
  });

  it('reads every setting with its package.json default', () => {
    const props = manifest().contributes.configuration.properties;
    assert.deepStrictEqual(Object.keys(props).sort(), Object.values(SETTINGS).sort());
    const config = vscode.workspace.getConfiguration();
    for (const key of Object.values(SETTINGS)) assert.deepStrictEqual(config.get(key), props[key].default, key);
  });
});
