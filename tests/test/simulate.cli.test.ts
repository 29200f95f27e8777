/**
 * `callstate simulate` as a user runs it: a real child process writing to a real pipe and a real file.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_OPTIONS, simulate } from '@callstate/simulator'
import { BIN } from './cli-helpers.js'

interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI from source; `stopAfter` closes our end of stdout after that many bytes, like `| head`. */
const cli = (args: ReadonlyArray<string>, stopAfter?: number): Promise<Result> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'simulate', ...args])
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stopAfter !== undefined && stdout.length >= stopAfter) child.stdout.destroy()
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

test('writes the same lines as the generator, and the truth file, one session per line', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'callstate-sim-'))
  try {
    const truthFile = path.join(dir, 'truth.ndjson')
    const args = [
      '--calls',
      '60',
      '--seed',
      '9',
      '--duplicate-rate',
      '0.1',
      '--malformed-rate',
      '0.05',
      '--truth',
      truthFile
    ]
    const result = await cli(args)
    assert.equal({ code: result.code, stderr: result.stderr }, { code: 0, stderr: '' })
    const items = [...simulate({ ...DEFAULT_OPTIONS, calls: 60, seed: 9, duplicateRate: 0.1, malformedRate: 0.05 })]
    const lines = items.flatMap((i) => (i._tag === 'Line' ? [i.text] : []))
    const truths = items.flatMap((i) => (i._tag === 'Truth' ? [JSON.stringify(i.truth)] : []))
    assert.equal(result.stdout, lines.join('\n') + '\n')
    assert.equal(readFileSync(truthFile, 'utf8'), truths.join('\n') + '\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a bad option is one clear line and exit code 2, no stack trace', async () => {
  for (const [flag, value] of [
    ['--calls', 'abc'],
    ['--calls', '0'],
    ['--duplicate-rate', '1.5'],
    ['--start', 'yesterday'],
    ['--format', 'xml']
  ] as const) {
    const result = await cli([flag, value])
    assert.equal(result.code, 2, `${flag} ${value}`)
    assert.equal(result.stdout, '')
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
    assert.ok(result.stderr.includes(flag) && result.stderr.includes(value), result.stderr)
  }
})

test('a reader that stops early (| head) ends the run quietly', async () => {
  const result = await cli(['--calls', '1000000'], 200_000)
  assert.equal({ code: result.code, stderr: result.stderr }, { code: 0, stderr: '' })
})

test.run()
