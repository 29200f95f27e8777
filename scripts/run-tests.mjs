#!/usr/bin/env node
// Runs every workspace's uvu suite, one after another, and prints one closing line
// `N passed, N failed` summed over all of them. uvu exits 0 when it finds no test, so a run
// where no test executed is a failure here, and so is a suite that crashed before its summary.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// Every workspace of the root package.json (a trailing `/*` is expanded) that has a `test` script, in that order.
const hasTests = (dir) => {
  const file = path.join(root, dir, 'package.json')
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).scripts?.test !== undefined
}
const workspaces = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  .workspaces.flatMap((w) =>
    w.endsWith('/*')
      ? readdirSync(path.join(root, w.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => `${w.slice(0, -2)}/${d.name}`)
          .sort()
      : [w]
  )
  .filter(hasTests)
const only = process.argv.slice(2)

// The real captures and the spec live in `shared/` beside the repository (../shared); tests read the location from
// CALLSTATE_SHARED_DIR. A clone made elsewhere (a fresh `git clone . $(mktemp -d)`) falls back to /work/shared.
const sharedDir = [process.env.CALLSTATE_SHARED_DIR, path.resolve(root, '../shared'), '/work/shared'].find(
  (dir) => dir && existsSync(path.join(dir, 'payloads'))
)
if (!sharedDir) {
  console.error(
    'cannot find the shared payloads: set CALLSTATE_SHARED_DIR to the directory holding payloads/ and spec/'
  )
  process.exit(1)
}
process.env.CALLSTATE_SHARED_DIR = sharedDir
console.log(`shared payloads and spec: ${sharedDir}`)

const run = (cwd) =>
  new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'test'], { cwd: path.join(root, cwd), env: process.env })
    let out = ''
    const keep = (chunk, sink) => {
      out += chunk.toString()
      sink.write(chunk)
    }
    child.stdout.on('data', (c) => keep(c, process.stdout))
    child.stderr.on('data', (c) => keep(c, process.stderr))
    child.on('close', (code) => resolve({ code: code ?? 1, out }))
  })

// uvu's summary: "Total:  N", "Passed:  N", "Skipped:  N" (with ANSI colours when on a terminal).
const count = (out, label) => {
  // eslint-disable-next-line no-control-regex
  const plain = out.replace(/\u001b\[[0-9;]*m/g, '')
  const m = [...plain.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))].pop()
  return m ? Number(m[1]) : undefined
}

let passed = 0
let failed = 0
let skipped = 0
for (const ws of workspaces.filter((w) => only.length === 0 || only.some((o) => w.includes(o)))) {
  console.log(`\n== ${ws}`)
  const { code, out } = await run(ws)
  const total = count(out, 'Total')
  const ok = count(out, 'Passed')
  const skip = count(out, 'Skipped') ?? 0
  if (total === undefined || ok === undefined) {
    console.log(`!! ${ws}: no uvu summary (exit ${code}); counted as one failure`)
    failed += 1
    continue
  }
  passed += ok
  skipped += skip
  // uvu's Total counts the tests that ran; skipped ones are reported apart and are not in it.
  let bad = total - ok
  if (code !== 0 && bad === 0) bad = 1
  failed += bad
}
if (passed + failed === 0) {
  console.log('no test ran: that is a failure')
  failed = 1
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 ? 0 : 1)
