import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/**
 * A name a file written by Lotse may have: letters, digits, `.`, `_` and `-`, and the check symbols
 * `*~$=` of a case reference (`lotse-WR52-APAW-WWA6-$.txt`); not starting with `.`, no separator.
 */
const SAFE_NAME = /^[A-Za-z0-9_*~$=-][A-Za-z0-9._*~$=-]{0,99}$/;

/** A name that is not Lotse's own, or a path that would leave the folder. */
export class UnsafePath extends Error {
  override readonly name = 'UnsafePath';
}

/**
 * Writes files into one folder, all or none: each goes to a temporary file in the folder first
 * (created new, mode 600, never through an existing file or link) and is renamed into place only
 * by `commit`. Only names Lotse makes are accepted, and every resolved path is checked to stay
 * inside the folder.
 */
export class FolderWriter {
  readonly dir: string;
  readonly #staged: { readonly tmp: string; readonly path: string }[] = [];

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates the folder when missing (mode 700) and resolves it, links included. */
  static open(dir: string): FolderWriter {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new FolderWriter(realpathSync(dir));
  }

  /** The path of a name in the folder; throws UnsafePath for anything but a plain name inside it. */
  pathOf(name: string): string {
    if (!SAFE_NAME.test(name))
      throw new UnsafePath(`not a file name Lotse makes: ${JSON.stringify(name)}`);
    const path = resolve(this.dir, name);
    const rel = relative(this.dir, path);
    if (dirname(path) !== this.dir || rel !== name || isAbsolute(rel))
      throw new UnsafePath(`${JSON.stringify(name)} leaves the folder`);
    return path;
  }

  /** Writes the bytes to a temporary file beside their final name. */
  stage(name: string, data: Uint8Array | string): string {
    const path = this.pathOf(name);
    const tmp = join(this.dir, `.lotse-${randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    this.#staged.push({ tmp, path });
    return path;
  }

  /**
   * Moves every staged file into place (a link at the final name is replaced, not followed);
   * returns their names.
   */
  commit(): string[] {
    return this.#staged.splice(0).map(({ tmp, path }) => {
      renameSync(tmp, path);
      return basename(path);
    });
  }

  /** Removes every staged file: nothing is left half-written. */
  discard(): void {
    for (const { tmp } of this.#staged.splice(0)) rmSync(tmp, { force: true });
  }
}
