/**
 * Gateway API keys. Only a key's SHA-256 is stored (a leaked file gives no usable key); the key
 * itself is shown once, when it is made. The file is JSON, written atomically with mode 0600.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SubnetkitError } from '../errors/subnetkit-error.js';

import { DEFAULT_REQUESTS_PER_MINUTE } from './rate-defaults.js';

export { DEFAULT_REQUESTS_PER_MINUTE };

const keyRecord = z.object({
  /** Public id (safe to log): the first characters of the key's hash. */
  id: z.string().min(1),
  name: z.string().min(1).max(100),
  /** Hex SHA-256 of the key. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  requestsPerMinute: z.number().int().positive(),
  created: z.string(),
});

const keyFile = z.object({ version: z.literal(1), keys: z.array(keyRecord) });

export type ApiKeyRecord = z.output<typeof keyRecord>;

const hashKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The API keys a gateway accepts, backed by a JSON file. */
export class ApiKeyStore {
  readonly file: string;
  #byHash: Map<string, ApiKeyRecord>;

  private constructor(file: string, records: readonly ApiKeyRecord[]) {
    this.file = file;
    this.#byHash = new Map(records.map((r) => [r.sha256, r]));
  }

  /** Opens the store; a missing file is an empty store, a malformed one SK_GATEWAY_KEYS_CORRUPT naming it. */
  static open(file: string): ApiKeyStore {
    if (!existsSync(file)) return new ApiKeyStore(file, []);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw corrupt(file, 'it is not JSON', cause);
    }
    const parsed = keyFile.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw corrupt(file, `"${issue?.path.join('.')}" ${issue?.message}`);
    }
    return new ApiKeyStore(file, parsed.data.keys);
  }

  get size(): number {
    return this.#byHash.size;
  }

  list(): ApiKeyRecord[] {
    return [...this.#byHash.values()].map((r) => ({ ...r }));
  }

  /** Makes a key, stores its hash and returns the key: the only time it is ever seen. */
  add(options: { name: string; requestsPerMinute?: number; now?: Date }): { key: string; record: ApiKeyRecord } {
    const rpm = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
    if (!Number.isInteger(rpm) || rpm < 1)
      throw new SubnetkitError(
        'SK_CLI_USAGE',
        `A key's requests per minute must be a positive integer, not ${rpm}.`,
        {},
      );
    if (options.name.length === 0 || options.name.length > 100)
      throw new SubnetkitError('SK_CLI_USAGE', 'A key name must have 1 to 100 characters.', {});
    const key = `sk-snk-${randomBytes(32).toString('base64url')}`;
    const sha256 = hashKey(key);
    const record: ApiKeyRecord = {
      id: `key_${sha256.slice(0, 12)}`,
      name: options.name,
      sha256,
      requestsPerMinute: rpm,
      created: (options.now ?? new Date()).toISOString(),
    };
    this.#byHash.set(sha256, record);
    this.#save();
    return { key, record: { ...record } };
  }

  /** The record of a presented key, if the store holds it. */
  verify(key: string): ApiKeyRecord | undefined {
    return this.#byHash.get(hashKey(key));
  }

  #save(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ version: 1, keys: [...this.#byHash.values()] }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}

function corrupt(file: string, why: string, cause?: unknown): SubnetkitError {
  return new SubnetkitError(
    'SK_GATEWAY_KEYS_CORRUPT',
    `API key file ${file} is malformed (${why}); fix it or move it away and add keys again.`,
    { file },
    cause === undefined ? undefined : { cause },
  );
}
