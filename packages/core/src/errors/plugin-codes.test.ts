import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineSubnet } from '../plugin/define-subnet.js';
import { PluginHost } from '../plugin/plugin-host.js';
import { validateSubnet } from '../plugin/validate-subnet.js';
import { codeOf } from './code-of.test-helper.js';
import { ERROR_CODES } from './codes.js';
import { defineErrorCodes, isErrorCatalog } from './plugin-codes.js';
import { isSubnetkitError, SubnetkitError } from './subnetkit-error.js';

const echoErrors = defineErrorCodes({
  SK_ECHO_EMPTY: 'An echo request had no text.',
  SK_ECHO_TOO_LOUD: 'An echo request was all capitals.',
});

const subnet = (name: string, errors?: unknown) =>
  defineSubnet({
    apiVersion: 1,
    name,
    task: { request: z.object({ text: z.string() }), response: z.object({ text: z.string() }) },
    miner: { handle: (req) => ({ text: req.text }) },
    validator: { challenge: () => ({ request: { text: 'a' }, truth: 'a' }), reward: (rs) => rs.map(() => 1) },
    ...(errors === undefined ? {} : { errors: errors as never }),
  });

describe('plugin-defined error codes', () => {
  test("a plugin's code makes an ordinary coded SubnetkitError, without entering core's catalog", () => {
    const err = echoErrors.error('SK_ECHO_EMPTY', 'Send some text to echo.', { field: 'text' });
    expect(err).toBeInstanceOf(SubnetkitError);
    expect(err.toJSON()).toEqual({
      name: 'SubnetkitError',
      code: 'SK_ECHO_EMPTY',
      message: 'Send some text to echo.',
      details: { field: 'text' },
    });
    expect(isSubnetkitError(err, 'SK_ECHO_EMPTY')).toBe(true);
    expect(echoErrors.is(err)).toBe(true);
    expect(echoErrors.is(err, 'SK_ECHO_TOO_LOUD')).toBe(false);
    expect(echoErrors.is(new SubnetkitError('SK_CLI_USAGE', 'x'))).toBe(false);
    expect(echoErrors.codes.SK_ECHO_EMPTY).toBe('An echo request had no text.');
    expect('SK_ECHO_EMPTY' in ERROR_CODES).toBe(false);
  });

  test('a malformed code, a reused core code or a missing description is SK_PLUGIN_INVALID', () => {
    expect(codeOf(() => defineErrorCodes({ SK_echo_empty: 'lower case' }))).toBe('SK_PLUGIN_INVALID');
    expect(codeOf(() => defineErrorCodes({ SK_ECHO: 'no second word' }))).toBe('SK_PLUGIN_INVALID');
    expect(codeOf(() => defineErrorCodes({ SK_CLI_USAGE: 'taken by core' }))).toBe('SK_PLUGIN_INVALID');
    expect(codeOf(() => defineErrorCodes({ SK_ECHO_EMPTY: ' ' }))).toBe('SK_PLUGIN_INVALID');
    expect(codeOf(() => defineErrorCodes({ SK_ECHO_EMPTY: 'fine' }))).toBeUndefined();
  });

  test('a subnet declares its catalog in defineSubnet; anything else under `errors` is refused', () => {
    expect(isErrorCatalog(echoErrors)).toBe(true);
    expect(validateSubnet(subnet('echo', echoErrors), { source: 'inline' }).errors).toBe(echoErrors);
    const forged = { codes: { SK_ECHO_EMPTY: 'x' }, error: () => undefined, is: () => false };
    expect(codeOf(() => validateSubnet(subnet('echo', forged), { source: 'inline' }))).toBe('SK_PLUGIN_INVALID');
  });

  test('two subnets in one host may not declare the same code', () => {
    const host = new PluginHost();
    const source = 'inline';
    host.add({ definition: subnet('echo', echoErrors), options: {}, source });
    host.add({ definition: subnet('other', defineErrorCodes({ SK_OTHER_BAD: 'x' })), options: {}, source });
    const again = defineErrorCodes({ SK_ECHO_EMPTY: 'the same code, another subnet' });
    expect(codeOf(() => host.add({ definition: subnet('copy', again), options: {}, source }))).toBe(
      'SK_PLUGIN_INVALID',
    );
    expect(host.list().map((s) => s.definition.name)).toEqual(['echo', 'other']);
  });
});
