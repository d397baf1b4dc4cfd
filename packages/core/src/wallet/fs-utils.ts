import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SubnetkitError } from '../errors/subnetkit-error.js';

/** Keyfiles are private to their owner, like btwallet's. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Maps a Node fs error to a wallet error that names the file; unknown errors pass through. */
export function fsError(err: unknown, file: string, action: 'read' | 'write'): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' && action === 'read') {
    return new SubnetkitError('SK_WALLET_NOT_FOUND', `${file} does not exist.`, { file });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new SubnetkitError(
      'SK_WALLET_PERMISSION',
      `Cannot ${action} ${file}: permission denied (${code}). Check the owner and mode of the file and its folders (keyfiles are 0600, folders 0700).`,
      { file, errno: code },
      { cause: err },
    );
  }
  if (code === 'EISDIR' || code === 'ENOTDIR') {
    return new SubnetkitError('SK_WALLET_KEYFILE_CORRUPT', `${file} is not a regular file (${code}).`, { file });
  }
  return err;
}

/** Reads a keyfile's bytes with errors that name it. */
export async function readKeyfileBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw fsError(err, file, 'read');
  }
}

/** Creates a folder (and parents) with mode 0700. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
  } catch (err) {
    throw fsError(err, dir, 'write');
  }
}

/**
 * Writes a file atomically with mode 0600: a temp file in the same folder, fsync, then rename
 * (overwrite) or hard link (no-clobber, fails if the target appeared meanwhile). A crash leaves
 * either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string, overwrite: boolean): Promise<void> {
  const dir = dirname(file);
  await ensureDir(dir);
  const tmp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (overwrite) {
      await rename(tmp, file);
    } else {
      try {
        await link(tmp, file);
      } finally {
        await unlink(tmp).catch(() => undefined);
      }
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SubnetkitError('SK_WALLET_KEY_EXISTS', `${file} already exists; pass --overwrite to replace it.`, {
        file,
      });
    }
    throw fsError(err, file, 'write');
  }
}
