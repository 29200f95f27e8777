/**
 * Regression (hostile-input campaign, issue 16): input nested thousands of levels deep threw RangeError (maximum
 * call stack size) out of classify (the content hash recursed over it), so a webhook group commit failed every
 * request in it with 503 and an import stopped. Now it is quarantined with its reason like any other bad input.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openSqliteStore } from '@callstate/sqlite'
import { classify } from '../src/classify.js'
import { ingest } from '../src/ingest.js'

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`
const NOW = '2024-05-01T12:00:00.000Z'

const HOSTILE = [
  // An unknown kind keeps its body as it is: the body itself was hashed recursively.
  `{"uuid":"deep-unknown","event":"/restapi/v1.0/foo","body":{"a":${deep(20_000)}}}`,
  // A telephony notification tolerates unknown fields: one of them nested deep.
  `{"uuid":"deep-extra","event":"/restapi/v1.0/account/1/telephony/sessions","body":{"telephonySessionId":"s",` +
    `"sequence":1,"sessionId":"1","serverId":"a","eventTime":"2024-01-01T00:00:00Z","origin":{"type":"Call"},` +
    `"parties":[],"x":${deep(20_000)}}}`,
  // A WebSocket frame around a deep envelope (stored unwrapped: JSON.stringify of the envelope).
  `[{"type":"ServerNotification"},{"uuid":"deep-frame","event":"/restapi/v1.0/foo","body":${deep(20_000)}}]`,
  // A batch array whose element is deep.
  `[{"uuid":"deep-element","event":"/restapi/v1.0/foo","body":${deep(20_000)}}]`
]

test('classify quarantines deeply nested input with the reason instead of throwing', () => {
  for (const raw of HOSTILE) {
    const prepared = classify({ raw, source: 'webhook', sourceRef: 'test' }, NOW)
    assert.is(prepared.length, 1)
    const p = prepared[0]
    assert.ok(p?._tag === 'quarantine', raw.slice(0, 40))
    assert.is(p.reason, 'decode-failed')
    assert.match(p.reasons.join('\n'), /nested deeper than/)
  }
})

test('ingest over a real store: deep input is quarantined once, the valid item beside it is appended', async () => {
  const opened = openSqliteStore({ dataDir: mkdtempSync(path.join(tmpdir(), 'callstate-ingest-hostile-')) })
  if (E.isLeft(opened)) throw new Error(JSON.stringify(opened.left))
  const store = opened.right
  try {
    const valid = '{"uuid":"fine","event":"/restapi/v1.0/foo","body":{"a":[[1]]}}'
    const items = [...HOSTILE, valid, HOSTILE[0] ?? ''].map((raw, i) => ({
      raw,
      source: 'import-file' as const,
      sourceRef: `f:${i + 1}`
    }))
    const r = await ingest(store, items, () => new Date(NOW))()
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
    assert.equal(r.right.totals, { read: 6, appended: 1, duplicates: 1, quarantined: 4 })
    const log = await store.readAll(0, 100)()
    if (E.isLeft(log)) throw new Error(JSON.stringify(log.left))
    assert.is(log.right.length, 5)
    assert.is(log.right.filter((e) => e.type === 'NotificationQuarantined').length, 4)
  } finally {
    await store.close()
  }
})

test.run()
