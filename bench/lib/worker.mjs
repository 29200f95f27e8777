/**
 * Each benchmark runs in its own Node process, so its peak memory is its own and one benchmark's heap does not
 * slow the next. A worker prints progress on stderr and its figures as one `BENCH-RESULT {json}` line on stdout.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { BENCH_DIR } from './paths.mjs'

const MARK = 'BENCH-RESULT '

/** In a worker: hand the figures to the parent. */
export const report = (result) => {
  process.stdout.write(`${MARK}${JSON.stringify(result)}\n`)
}

/** In a worker: a progress line for whoever watches. */
export const note = (text) => {
  process.stderr.write(`  ${text}\n`)
}

/**
 * Runs bench/workers/<name>.mjs with `args`. Resolves `{ ok: true, result }` or `{ ok: false, reason }`;
 * never rejects, so one failing benchmark is reported and the others still run.
 */
export const runWorker = (name, args, { nodeArgs = [], env = {} } = {}) =>
  new Promise((resolve) => {
    const script = path.join(BENCH_DIR, 'workers', `${name}.mjs`)
    const child = spawn(process.execPath, [...nodeArgs, script, ...args.map(String)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderrTail = ''
    child.stdout.on('data', (c) => (stdout += c.toString()))
    child.stderr.on('data', (c) => {
      process.stderr.write(c)
      stderrTail = (stderrTail + c.toString()).slice(-2000)
    })
    child.on('error', (e) => resolve({ ok: false, reason: `cannot start ${name}: ${e.message}` }))
    child.on('close', (code, signal) => {
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith(MARK))
      if (code === 0 && line !== undefined) return resolve({ ok: true, result: JSON.parse(line.slice(MARK.length)) })
      const why = signal ? `killed by ${signal}` : `exit code ${code}`
      // The error line of a stack trace says more than its last lines ("Node.js v20...").
      const lines = stderrTail
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
      const last = lines.findLast((l) => /Error/.test(l)) ?? lines.slice(-3).join(' | ')
      resolve({ ok: false, reason: `${name} failed (${why})${last ? `: ${last}` : ''}` })
    })
  })
