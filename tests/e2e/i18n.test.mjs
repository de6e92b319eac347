// SPDX-License-Identifier: AGPL-3.0-or-later
// The three catalogues (web/src/i18n/{en,lt,ru}.ts) have the same keys and the
// same {placeholders} per key. (The Messages type makes tsc check the key set
// too; this guards the placeholders, which the type cannot see.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib.mjs';

function catalogue(lang) {
  const src = readFileSync(path.join(repoRoot, 'web/src/i18n', `${lang}.ts`), 'utf8');
  const out = new Map();
  for (const m of src.matchAll(/^\s*'([^']+)':\s*'((?:[^'\\]|\\.)*)',?\s*$/gm)) out.set(m[1], m[2]);
  return out;
}
const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

test('lt and ru catalogues have exactly the keys and placeholders of en', () => {
  const en = catalogue('en');
  assert.ok(en.size > 50, `en has ${en.size} keys`);
  for (const lang of ['lt', 'ru']) {
    const other = catalogue(lang);
    assert.deepEqual([...other.keys()].sort(), [...en.keys()].sort(), `${lang} keys`);
    for (const [k, v] of en) assert.equal(vars(other.get(k)), vars(v), `${lang} placeholders of ${k}`);
    for (const [k, v] of other) assert.notEqual(v.trim(), '', `${lang} ${k} is empty`);
  }
});
