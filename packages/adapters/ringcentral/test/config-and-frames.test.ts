/**
 * The connector's pure parts: credentials from the environment (and files), secrets that do not print, and the
 * notification cut out of a gateway frame exactly as sent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { credentialsFromEnv, notificationTextOf, secret } from '../src/index.js'

const full = {
  RINGCENTRAL_SERVER_URL: 'https://platform.ringcentral.com/',
  RINGCENTRAL_CLIENT_ID: 'client-id',
  RINGCENTRAL_CLIENT_SECRET: 'client-secret-value',
  RINGCENTRAL_JWT_TOKEN: 'jwt-value'
}

test('no variable set: no connection; all four: credentials, with the secrets wrapped', () => {
  assert.equal(credentialsFromEnv({}), E.right(undefined))
  const c = credentialsFromEnv(full)
  if (E.isLeft(c) || c.right === undefined) throw new Error('expected credentials')
  assert.is(c.right.serverUrl, 'https://platform.ringcentral.com')
  assert.is(c.right.clientSecret.reveal(), 'client-secret-value')
  const shown = `${String(c.right.jwt)} ${JSON.stringify(c.right)} ${inspect(c.right)}`
  assert.not.ok(shown.includes('jwt-value'))
  assert.not.ok(shown.includes('client-secret-value'))
})

test('incomplete or wrong credentials say which variable, without its value', () => {
  const partial = credentialsFromEnv({ RINGCENTRAL_CLIENT_ID: 'x', RINGCENTRAL_JWT_TOKEN: 'jwt-value' })
  assert.ok(E.isLeft(partial))
  if (E.isLeft(partial)) {
    assert.match(partial.left.message, /RINGCENTRAL_SERVER_URL, RINGCENTRAL_CLIENT_SECRET not set/)
    assert.not.ok(partial.left.message.includes('jwt-value'))
  }
  const url = credentialsFromEnv({ ...full, RINGCENTRAL_SERVER_URL: 'platform.ringcentral.com' })
  assert.ok(E.isLeft(url) && /must be an http\(s\) URL/.test(url.left.message))
  const both = credentialsFromEnv({ ...full, RINGCENTRAL_JWT_TOKEN_FILE: '/nowhere' })
  assert.ok(
    E.isLeft(both) && /set RINGCENTRAL_JWT_TOKEN or RINGCENTRAL_JWT_TOKEN_FILE, not both/.test(both.left.message)
  )
})

test('the two secrets can come from files (trimmed); a missing or empty file is named', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'callstate-rc-config-'))
  writeFileSync(path.join(dir, 'jwt'), 'jwt-from-file\n')
  writeFileSync(path.join(dir, 'empty'), '\n')
  const { RINGCENTRAL_JWT_TOKEN: _, ...rest } = full
  const c = credentialsFromEnv({ ...rest, RINGCENTRAL_JWT_TOKEN_FILE: path.join(dir, 'jwt') })
  assert.ok(E.isRight(c) && c.right?.jwt.reveal() === 'jwt-from-file')
  const empty = credentialsFromEnv({ ...rest, RINGCENTRAL_JWT_TOKEN_FILE: path.join(dir, 'empty') })
  assert.ok(E.isLeft(empty) && /names an empty file/.test(empty.left.message))
  const missing = credentialsFromEnv({ ...rest, RINGCENTRAL_JWT_TOKEN_FILE: path.join(dir, 'none') })
  assert.ok(E.isLeft(missing) && /cannot read RINGCENTRAL_JWT_TOKEN_FILE/.test(missing.left.message))
})

test('a secret prints as [redacted] everywhere but reveal()', () => {
  const s = secret('hunter2')
  assert.is(`${String(s)}`, '[redacted]')
  assert.is(JSON.stringify({ s }), '{"s":"[redacted]"}')
  assert.is(inspect(s), '[redacted]')
  assert.is(s.reveal(), 'hunter2')
})

test('the notification is cut out of a [meta, body] frame byte for byte', () => {
  const body = '{ "uuid" : "u-1", "n": 12345678901234567890, "s": "a ] \\" }, {" }'
  const frame = `[{"type":"ServerNotification","messageId":"m-1","headers":{"x":"} ]"}} ,  ${body} ]`
  assert.is(notificationTextOf(frame), body)
  assert.is(notificationTextOf(`[{"type":"ServerNotification"},${body}]\n`), body)
})

test('frames that are not [meta, body] give nothing (the caller keeps the whole frame for quarantine)', () => {
  for (const bad of ['', 'not json', '{"a":1}', '[{"type":"x"}]', '[{"type":"x"}, ]', '[{"type":"x"', '[1, {}]'])
    assert.is(notificationTextOf(bad), undefined, bad)
})

test.run()
