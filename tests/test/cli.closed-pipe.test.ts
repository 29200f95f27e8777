/**
 * A reader that stops early (`callstate log --json | head -1`) closes the pipe under the command: the command
 * stops quietly with exit 0, instead of dying of EPIPE with a stack trace.
 */
import { spawn } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, cli, tempDir } from './cli-helpers.js'

const lines = Array.from({ length: 3000 }, (_, i) =>
  JSON.stringify({
    uuid: `closed-pipe-${i}`,
    event: '/restapi/v1.0/account/1/extension/101/presence',
    timestamp: '2026-01-05T09:00:00.000Z',
    body: { extensionId: '101', sequence: i + 1, telephonyStatus: i % 2 === 0 ? 'Ringing' : 'NoCall' }
  })
).join('\n')

/** Runs the command, reads its first chunk of stdout, then destroys the pipe and waits for the exit. */
const readFirstChunkThenClose = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stderr: string; first: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let first = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.stdout.once('data', (c: Buffer) => {
      first = c.toString()
      child.stdout.destroy()
    })
    child.on('close', (code) => resolve({ code, stderr, first }))
  })

test('log --json into a reader that closes early exits 0 without an error', async () => {
  const dataDir = tempDir('closed-pipe')
  assert.is(cli(['import', '-', '--data-dir', dataDir, '--json'], { input: lines }).code, 0)
  const r = await readFirstChunkThenClose(['log', '--data-dir', dataDir, '--json', '--limit', '3000'])
  assert.ok(r.first.startsWith('['), `the command wrote its output before the pipe closed: ${r.first.slice(0, 40)}`)
  assert.is(r.stderr, '')
  assert.is(r.code, 0)
})

test.run()
