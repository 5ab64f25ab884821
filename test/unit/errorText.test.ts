/** Every engine error code reads as a sentence in the extension, in English and in Simplified Chinese. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, isEngineErrorCode } from '../../src/engine';
import { ENGINE_ERROR_CODES, toEngineError } from '../../src/engine/model/errors';
import { describeError } from '../../src/extension/model/errors';
import { englishL10n, type L10n } from '../../src/extension/model/l10n';

const zhBundle = JSON.parse(readFileSync(join(__dirname, '../../l10n/bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;

/** vscode.l10n.t over the zh-cn bundle, remembering messages the bundle lacks. */
function zhL10n(missing: string[]): L10n {
  return {
    t(message, ...args) {
      if (!(message in zhBundle)) missing.push(message);
      return englishL10n.t(zhBundle[message] ?? message, ...args);
    },
  };
}

test("describeError: every EngineErrorCode in both languages (usage keeps the engine's own sentence)", () => {
  assert.ok(ENGINE_ERROR_CODES.length >= 25);
  assert.ok(ENGINE_ERROR_CODES.includes('internal'), '"internal" is declared');
  for (const code of ENGINE_ERROR_CODES) {
    const e = new EngineError({ code, message: 'the engine message', node: '10.0.0.1:7000', cause: 'the cause' });
    const en = describeError(e, englishL10n);
    const missing: string[] = [];
    const zh = describeError(e, zhL10n(missing));
    assert.ok(en.trim().length > 0, code);
    assert.deepEqual(missing, [], `${code}: untranslated`);
    if (code === 'usage') assert.equal(zh, 'the engine message');
    else assert.notEqual(zh, en, `${code}: the zh-cn text is not the English one`);
  }
  assert.equal(describeError(new Error('plain'), englishL10n), 'plain', 'not an engine error: its message');
  assert.equal(describeError({ code: 'no-such-code', message: 'odd' }, englishL10n), 'odd');
});

test('toEngineError keeps EngineErrors and types everything else', () => {
  const e = new EngineError({ code: 'timeout', message: 't' });
  assert.equal(toEngineError(e), e);
  assert.equal(toEngineError(new Error('x')).code, 'reply-error');
  assert.equal(toEngineError('boom', undefined, 'internal').code, 'internal');
  assert.ok(isEngineErrorCode('rdb-corrupt'));
  assert.ok(!isEngineErrorCode('nope'));
});
