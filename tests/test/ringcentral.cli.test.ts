/**
 * The RingCentral commands through the real `callstate` binary against the platform TEST DOUBLE
 * (tests/test/doubles/ringcentral): wrong credentials are one clear line and exit code 1 (no stack, no secret),
 * `callstate subscription create|list|renew|delete` manage webhook subscriptions, and `callstate connect` ingests
 * over WebSocket without the HTTP server.
 */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  capture,
  startReceiver,
  startRingCentralDouble,
  until,
  type RingCentralDouble
} from './doubles/ringcentral/index.js'
import { BIN, readLog, tempDir, type CliResult } from './cli-helpers.js'
import { P02 } from './serve-helpers.js'

/**
 * Runs `callstate args...` to completion without blocking this process (the double answers from it). The test's own
 * CALLSTATE_* and RINGCENTRAL_* variables are not inherited.
 */
const cli = (args: ReadonlyArray<string>, options: { env?: Record<string, string> } = {}): Promise<CliResult> => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_') && !k.startsWith('RINGCENTRAL_'))
  )
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

const envFor = (double: RingCentralDouble, overrides: Record<string, string> = {}): Record<string, string> => ({
  RINGCENTRAL_SERVER_URL: double.url,
  RINGCENTRAL_CLIENT_ID: double.clientId,
  RINGCENTRAL_CLIENT_SECRET: double.clientSecret,
  RINGCENTRAL_JWT_TOKEN: double.jwt,
  ...overrides
})

/** One line on stderr, no stack frame, none of the given secrets anywhere in the output. */
const assertOneCleanLine = (r: { stdout: string; stderr: string }, secrets: ReadonlyArray<string>): void => {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
  assert.is(lines.length, 1, `one line, got: ${r.stderr}`)
  assert.not.match(r.stderr, /\n\s+at /)
  for (const s of secrets) assert.not.ok(`${r.stdout}${r.stderr}`.includes(s), 'a secret is printed')
}

test('wrong credentials: serve and connect say why in one line and exit 1; nothing secret is printed', async () => {
  const double = await startRingCentralDouble()
  try {
    const wrongSecret = 'not-the-client-secret-4d1f'
    for (const command of [['serve', '--port', '0'], ['connect']]) {
      const r = await cli(['--data-dir', tempDir('rc-creds'), ...command], {
        env: envFor(double, { RINGCENTRAL_CLIENT_SECRET: wrongSecret })
      })
      assert.is(r.code, 1, `${command[0]}: ${r.stderr}`)
      assert.match(r.stderr, /^callstate: RingCentral refused the credentials \(401\)/)
      assertOneCleanLine(r, [wrongSecret, double.jwt])
    }
    const badJwt = 'eyJ.not-a-known-jwt.x'
    const r = await cli(['--data-dir', tempDir('rc-creds'), 'connect'], {
      env: envFor(double, { RINGCENTRAL_JWT_TOKEN: badJwt })
    })
    assert.is(r.code, 1)
    assert.match(r.stderr, /RingCentral refused the credentials \(400\)/)
    assertOneCleanLine(r, [badJwt, double.clientSecret])
    // Incomplete credentials are a usage error before anything is tried.
    const partial = await cli(['--data-dir', tempDir('rc-creds'), 'connect'], {
      env: { RINGCENTRAL_SERVER_URL: double.url, RINGCENTRAL_CLIENT_ID: 'x' }
    })
    assert.is(partial.code, 2)
    assert.match(partial.stderr, /RINGCENTRAL_CLIENT_SECRET, RINGCENTRAL_JWT_TOKEN not set/)
    const unreachable = await cli(['--data-dir', tempDir('rc-creds'), 'connect'], {
      env: envFor(double, { RINGCENTRAL_SERVER_URL: 'http://127.0.0.1:1' })
    })
    assert.is(unreachable.code, 1)
    assert.match(unreachable.stderr, /RingCentral did not answer/)
    assertOneCleanLine(unreachable, [double.clientSecret, double.jwt])
  } finally {
    await double.close()
  }
})

test('the secrets can come from files (RINGCENTRAL_CLIENT_SECRET_FILE, RINGCENTRAL_JWT_TOKEN_FILE)', async () => {
  const double = await startRingCentralDouble()
  const receiver = await startReceiver()
  try {
    const dir = tempDir('rc-files')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(path.join(dir, 'secret'), `${double.clientSecret}\n`, { mode: 0o600 })
    writeFileSync(path.join(dir, 'jwt'), `${double.jwt}\n`, { mode: 0o600 })
    const env = envFor(double)
    delete env['RINGCENTRAL_CLIENT_SECRET']
    delete env['RINGCENTRAL_JWT_TOKEN']
    const r = await cli(['--data-dir', dir, 'subscription', 'list'], {
      env: {
        ...env,
        RINGCENTRAL_CLIENT_SECRET_FILE: path.join(dir, 'secret'),
        RINGCENTRAL_JWT_TOKEN_FILE: path.join(dir, 'jwt')
      }
    })
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stdout, /no subscriptions/)
  } finally {
    await receiver.close()
    await double.close()
  }
})

test('callstate subscription create|list|renew|delete manage a webhook subscription; the token is kept, not printed', async () => {
  // Each command logs in: more logins a minute than the platform's default Auth limit allows.
  const double = await startRingCentralDouble({ rateLimits: { Auth: { limit: 30, windowS: 60 } } })
  const receiver = await startReceiver()
  const dataDir = tempDir('rc-subscription')
  try {
    const env = envFor(double)
    const created = await cli(['--data-dir', dataDir, 'subscription', 'create', receiver.url, '--json'], { env })
    assert.is(created.code, 0, created.stderr)
    const info = JSON.parse(created.stdout) as { id: string; status: string; address: string; stateFile: string }
    assert.is(info.status, 'Active')
    assert.is(info.address, receiver.url)
    const stateFile = path.join(dataDir, 'ringcentral-webhook.json')
    assert.is(info.stateFile, stateFile)
    assert.is(statSync(stateFile).mode & 0o777, 0o600)
    const kept = JSON.parse(readFileSync(stateFile, 'utf8')) as { id: string; verificationToken: string }
    assert.is(kept.id, info.id)
    assert.ok(kept.verificationToken.length >= 24)
    assert.not.ok(created.stdout.includes(kept.verificationToken), 'the token is not printed')
    // The platform delivers with that token.
    await double.publish(capture(P02, 0))
    await until('a delivery', () => receiver.requests.some((r) => r.body !== ''))
    const delivery = receiver.requests.find((r) => r.body !== '')
    assert.is(delivery?.headers['verification-token'], kept.verificationToken)

    const listed = await cli(['--data-dir', dataDir, 'subscription', 'list'], { env })
    assert.is(listed.code, 0, listed.stderr)
    assert.ok(listed.stdout.includes(info.id))
    assert.match(listed.stdout, /Active/)
    const renewed = await cli(['--data-dir', dataDir, 'subscription', 'renew', info.id], { env })
    assert.is(renewed.code, 0, renewed.stderr)
    assert.match(renewed.stdout, new RegExp(`^renewed subscription ${info.id}: Active`))
    assert.ok(double.countRequests({ path: `/restapi/v1.0/subscription/${info.id}/renew` }) === 1)
    const deleted = await cli(['--data-dir', dataDir, 'subscription', 'delete', info.id], { env })
    assert.is(deleted.code, 0, deleted.stderr)
    const after = await cli(['--data-dir', dataDir, 'subscription', 'list', '--json'], { env })
    assert.equal(JSON.parse(after.stdout), [])
    // An unknown id is the platform's answer in one line.
    const unknown = await cli(['--data-dir', dataDir, 'subscription', 'renew', 'no-such-subscription'], { env })
    assert.is(unknown.code, 1)
    assert.match(unknown.stderr, /^callstate: RingCentral answered 404/)
    assertOneCleanLine(unknown, [double.clientSecret, double.jwt])
    // RingCentral delivers to https only: a plain http address that is not loopback is refused before asking.
    const plain = await cli(['--data-dir', dataDir, 'subscription', 'create', 'http://callstate.example.com/webhook'], {
      env
    })
    assert.is(plain.code, 2)
    assert.match(plain.stderr, /delivers only to https addresses/)
    // An address RingCentral cannot validate is refused with the platform's reason.
    receiver.answer = () => ({ status: 200 })
    const refused = await cli(['--data-dir', dataDir, 'subscription', 'create', receiver.url], { env })
    assert.is(refused.code, 1)
    assert.match(refused.stderr, /RingCentral answered 4\d\d/)
  } finally {
    await receiver.close()
    await double.close()
  }
})

test('callstate connect: subscribes over WebSocket without the HTTP server, stores what arrives, stops on SIGTERM', async () => {
  const double = await startRingCentralDouble()
  const dataDir = tempDir('rc-connect')
  try {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_')))
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'connect', '--log-level', 'info'], {
      env: { ...env, ...envFor(double) },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await until('the subscription', () => double.subscriptions().some((s) => s.transportType === 'WebSocket'), 15_000)
    assert.match(stderr, /callstate connect: logged in to http:\/\/127\.0\.0\.1:\d+; subscribing over WebSocket/)
    for (let i = 0; i < 9; i++) await double.publish(capture(P02, i))
    let stored = 0
    await until(
      'nine notifications in the log',
      () => {
        void readLog(dataDir).then((events) => (stored = events.length))
        return stored === 9
      },
      15_000
    )
    child.kill('SIGTERM')
    assert.is(await exited, 0, stderr)
    const log = await readLog(dataDir)
    assert.ok(log.every((e) => e.metadata.source === 'websocket'))
    // The read models followed: the session is there for the query commands.
    const session = await cli(['--data-dir', dataDir, 'session', 's-f9badb80011344259059d6894a30ace2', '--json'])
    assert.is(session.code, 0, session.stderr)
    assert.is((JSON.parse(session.stdout) as { status: string }).status, 'ended')
    for (const secretValue of [double.clientSecret, double.jwt])
      assert.not.ok(`${stdout}${stderr}`.includes(secretValue))
  } finally {
    await double.close()
  }
})

test.run()
