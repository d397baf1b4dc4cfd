import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Metagraph } from '../chain/types.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { errorReply } from './errors.js';
import { ApiKeyStore } from './keys.js';
import { chatRequest, completionRequest } from './openai.js';
import { bestMiners } from './router.js';

const dirs: string[] = [];
const tempFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'subnetkit-gateway-keys-'));
  dirs.push(dir);
  return join(dir, 'keys.json');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ApiKeyStore', () => {
  it('stores the hash only; the key verifies after reopening, others do not', () => {
    const file = tempFile();
    const { key, record } = ApiKeyStore.open(file).add({ name: 'app', requestsPerMinute: 30 });
    expect(readFileSync(file, 'utf8')).not.toContain(key);
    const reopened = ApiKeyStore.open(file);
    expect(reopened.verify(key)).toEqual(record);
    expect(reopened.verify(`${key}x`)).toBeUndefined();
    expect(record.id).not.toContain(key.slice(7, 19));
  });

  it('a malformed file is SK_GATEWAY_KEYS_CORRUPT naming it; a bad limit is a usage error', () => {
    const file = tempFile();
    writeFileSync(file, '{"version":1,"keys":[{"id":"x"}]}');
    expect(() => ApiKeyStore.open(file)).toThrow(expect.objectContaining({ code: 'SK_GATEWAY_KEYS_CORRUPT' }));
    writeFileSync(file, '{');
    expect(() => ApiKeyStore.open(file)).toThrow(/keys\.json is malformed/);
    const store = ApiKeyStore.open(tempFile());
    expect(() => store.add({ name: 'x', requestsPerMinute: 0 })).toThrow(
      expect.objectContaining({ code: 'SK_CLI_USAGE' }),
    );
  });
});

describe('bestMiners', () => {
  const metagraph = (rows: { incentive: number; port: number }[]): Metagraph =>
    ({
      uids: rows.map((_, i) => i),
      hotkeys: rows.map((_, i) => `hk${i}`),
      incentive: rows.map((r) => r.incentive),
      axons: rows.map((r) => ({ ip: '127.0.0.1', port: r.port })),
    }) as unknown as Metagraph;

  it('takes the served axons by incentive, best first, without itself, at most k', () => {
    const m = metagraph([
      { incentive: 0.1, port: 1001 },
      { incentive: 0.5, port: 1002 },
      { incentive: 0.9, port: 0 },
      { incentive: 0.3, port: 1004 },
      { incentive: 0.7, port: 1005 },
    ]);
    expect(bestMiners(m, 3, 'hk4').map((t) => t.uid)).toEqual([1, 3, 0]);
    expect(bestMiners(m, 1).map((t) => t.uid)).toEqual([4]);
  });

  it('is empty when no miner serves an axon', () => {
    expect(bestMiners(metagraph([{ incentive: 1, port: 0 }]), 5)).toEqual([]);
  });
});

describe('OpenAI request mapping', () => {
  it('a completion maps its sampling fields onto the subnet request', () => {
    expect(completionRequest({ model: 'text', prompt: ['Hi'], max_tokens: 5, temperature: 0.7, top_p: 0.9 })).toEqual({
      prompt: 'Hi',
      maxTokens: 5,
      temperature: 0.7,
      topP: 0.9,
    });
  });

  it('a chat puts system messages in system, one user turn as the prompt, longer chats turn by turn', () => {
    expect(
      chatRequest({
        model: 'text',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
        ],
        max_completion_tokens: 3,
      }),
    ).toEqual({ prompt: 'Hello', system: 'Be brief.', maxTokens: 3 });
    const chat = chatRequest({
      model: 'text',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Go on' },
      ],
    });
    expect(chat.prompt).toBe('User: Hi\nAssistant: Hello.\nUser: Go on\nAssistant:');
    expect(chat.maxTokens).toBe(64);
  });
});

describe('errorReply', () => {
  it('maps gateway codes to their status in the OpenAI shape; anything else is a bare 500', () => {
    const limited = errorReply(new SubnetkitError('SK_GATEWAY_RATE_LIMITED', 'slow down', { retryAfterS: 2 }));
    expect(limited).toEqual({
      status: 429,
      body: { error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'SK_GATEWAY_RATE_LIMITED' } },
    });
    const crash = errorReply(new Error('secret path /home/x'));
    expect(crash.status).toBe(500);
    expect(JSON.stringify(crash.body)).not.toContain('secret');
  });
});
