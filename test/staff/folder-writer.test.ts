/**
 * The folder writer behind `show --files` and `export --out` (issue 10, item 1): only names Lotse
 * makes, every path inside the folder, all or none, never through a link. Real files in a temp dir.
 */
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { FolderWriter, UnsafePath } from '../../src/staff/folder-writer.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'lotse-folder-'));

describe('FolderWriter', () => {
  it('takes the names Lotse makes, case references with every check symbol included', () => {
    const folder = FolderWriter.open(join(fresh(), 'out'));
    const names = [
      '01-9f86d081884c.pdf',
      ...['*', '~', '$', '=', 'U', '0'].map((check) => `lotse-WR52-APAW-WWA6-${check}.json`),
      `lotse-${newCaseRef()}.txt`,
    ];
    for (const name of names) folder.stage(name, name);
    expect(folder.commit().sort()).toEqual([...names].sort());
    expect(readdirSync(folder.dir).sort()).toEqual([...names].sort());
    expect(lstatSync(folder.dir).mode & 0o777).toBe(0o700);
  });

  it('refuses paths and names Lotse never makes', () => {
    const parent = fresh();
    const folder = FolderWriter.open(join(parent, 'out'));
    for (const name of [
      '../x',
      'a/../../x',
      '/etc/passwd',
      'a\\b',
      '.',
      '..',
      '.hidden',
      '',
      'x\u0000.pdf',
      'x\u202e.pdf',
      'n'.repeat(101),
    ])
      expect(() => folder.stage(name, 'x'), JSON.stringify(name)).toThrow(UnsafePath);
    folder.discard();
    expect(readdirSync(folder.dir)).toEqual([]);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('writes all or none: discarded files leave nothing, committed ones replace a link', () => {
    const parent = fresh();
    const folder = FolderWriter.open(join(parent, 'out'));
    folder.stage('a.txt', 'a');
    folder.discard();
    expect(readdirSync(folder.dir)).toEqual([]);

    const target = join(parent, 'precious');
    writeFileSync(target, 'keep me');
    symlinkSync(target, join(folder.dir, 'b.txt'));
    folder.stage('b.txt', 'new');
    folder.commit();
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(lstatSync(join(folder.dir, 'b.txt')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(folder.dir, 'b.txt'), 'utf8')).toBe('new');
    expect(lstatSync(join(folder.dir, 'b.txt')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(folder.dir, 'a.txt'))).toBe(false);
  });
});
