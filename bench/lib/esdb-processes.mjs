/**
 * The processes of the EventStoreDB section (./esdb-bench.mjs): the EventStoreDB TEST DOUBLE run as its own process
 * (tests/scripts/esdb-double.ts, what `npm run esdb-double` runs: in memory, with a delay added to every call), and
 * `callstate` commands against it, each under a time limit so a step that cannot finish is reported, not waited for.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { CALLSTATE_BIN, ROOT } from './paths.mjs'

const DOUBLE_SCRIPT = path.join(ROOT, 'tests', 'scripts', 'esdb-double.ts')
const DOUBLE_START_MS = 60_000
/** Linux reports a process's CPU times in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100

/** CPU seconds (user + system) a process has used so far; undefined once it is gone. */
export const cpuSeconds = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the command name (which may hold spaces) start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    // The process has exited (or there is no /proc): the caller keeps its last reading.
    return undefined
  }
}

/** Kills `child` (by its own pid) when this process exits, so a failing run leaves nothing behind. */
const reapOnExit = (child) => {
  const reap = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  process.on('exit', reap)
  return () => process.off('exit', reap)
}

/**
 * Starts the double on a free loopback port with `delayMs` per call; resolves `{ url, pid, cpu, stop }` once it
 * prints its connection string. `cpu()` is the CPU seconds it used so far.
 */
export const startDouble = (delayMs) =>
  new Promise((resolve, reject) => {
    // `--import tsx` is resolved from the repository root, where the workspace installed it.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', DOUBLE_SCRIPT, '--port', '0', '--delay-ms', String(delayMs)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    const unreap = reapOnExit(child)
    let output = ''
    let lastCpu = 0
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the EventStoreDB double did not start within ${DOUBLE_START_MS / 1000} s: ${output.trim()}`))
    }, DOUBLE_START_MS)
    const exited = new Promise((r) => child.on('exit', r))
    let listening = false
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!listening) reject(new Error(`the EventStoreDB double exited (code ${code}): ${output.trim()}`))
    })
    child.stderr.on('data', (c) => (output += c.toString()))
    child.stdout.on('data', (c) => {
      output += c.toString()
      const m = /esdb-double: listening on (esdb:\/\/\S+)/.exec(output)
      if (m === null || listening) return
      listening = true
      clearTimeout(timer)
      resolve({
        url: m[1],
        pid: child.pid,
        cpu: () => {
          lastCpu = cpuSeconds(child.pid) ?? lastCpu
          return lastCpu
        },
        stop: async () => {
          lastCpu = cpuSeconds(child.pid) ?? lastCpu
          if (child.exitCode === null) child.kill('SIGTERM')
          await exited
          unreap()
          return lastCpu
        }
      })
    })
  })

/**
 * Runs `callstate <args>` to completion or until `limitMs`, whichever comes first (then it is killed, by its pid).
 * Resolves `{ code, signal, stdout, stderr, seconds, timedOut }`; never rejects.
 */
export const runCallstate = (args, { limitMs, env = {} } = {}) =>
  new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, [CALLSTATE_BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const unreap = reapOnExit(child)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (c) => (stdout += c.toString()))
    child.stderr.on('data', (c) => (stderr = (stderr + c.toString()).slice(-20_000)))
    const timer =
      limitMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true
            child.kill('SIGKILL')
          }, limitMs)
    const done = (code, signal) => {
      clearTimeout(timer)
      unreap()
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000, timedOut })
    }
    child.on('error', (e) => {
      stderr += e.message
      done(null, null)
    })
    child.on('close', done)
  })

/** The reason a command failed, in one line: the limit, or its last line on stderr. */
export const failureOf = (name, r, limitMs) => {
  if (r.timedOut) return `${name} did not finish within ${(limitMs / 60_000).toFixed(1)} min (stopped)`
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\[[ =>-]*\]/.test(l))
  return `${name} failed (${r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`}): ${lines.slice(-2).join(' | ')}`
}
