/**
 * The peer is installed on demand; when it cannot be (here: an empty peer directory and an unreachable
 * registry), the bench says so in its output and in the report, and goes on: the exit code is 0 and the other
 * benchmarks of the run are measured. `--no-peer` skips it without trying.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import path from 'node:path'
import { SIZE, figuresOf, runBench, targetsOf, tempWork } from './bench-support.js'

test('a peer that cannot be installed is reported, and the run continues', () => {
  const work = tempWork()
  const run = runBench(['--size', String(SIZE), '--only', 'import,peer'], work, {
    BENCH_PEER_DIR: path.join(work, 'peer'),
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_fetch_retries: '0',
    npm_config_offline: 'false'
  })
  assert.is(run.code, 0, run.stderr)
  assert.match(run.stderr, /peer: the peer could not be installed: npm install exited with code \d+/)
  const peer = figuresOf(run.report, 'peer')
  assert.equal(Object.keys(peer), ['not measured'])
  assert.match(peer['not measured'] ?? '', /^the peer could not be installed/)
  assert.is(targetsOf(run.report)["at least 3x the peer's throughput (import)"], 'not run')
  assert.match(figuresOf(run.report, 'import')['notifications'] ?? '', /appended 2,000/)
})

test('--no-peer: no peer section, no install attempted', () => {
  const run = runBench(['--size', String(SIZE), '--only', 'peer', '--no-peer'])
  assert.is(run.code, 0, run.stderr)
  assert.equal(figuresOf(run.report, 'peer'), {})
  assert.not.match(run.stderr, /installing the peer/)
})

test('bad usage exits 2 with the reason', () => {
  const run = runBench(['--only', 'import,nonsense'])
  assert.is(run.code, 2)
  assert.match(run.stderr, /unknown benchmark\(s\): nonsense/)
})

test.run()
