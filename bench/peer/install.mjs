/**
 * Installs the peer (Emmett 0.38.5 with its SQLite event store) into bench/.peer/, on demand and only once.
 *
 * It stays out of the workspace install because emmett-sqlite needs `sqlite3`, a native module that builds from
 * source (~90 s). npm 11 runs no install script unless approved, hence `allowScripts`; node-gyp builds against the
 * local Node headers (npm_config_nodedir=/usr).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const PEER_VERSION = '0.38.5'
/** bench/.peer; BENCH_PEER_DIR moves it (the tests use an empty directory to see a failed install reported). */
export const PEER_DIR = process.env.BENCH_PEER_DIR
  ? path.resolve(process.env.BENCH_PEER_DIR)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.peer')

const manifest = {
  name: 'callstate-bench-peer',
  private: true,
  type: 'module',
  description: 'The benchmark peer, installed on demand by bench/peer/install.mjs (not part of the workspace).',
  dependencies: {
    '@event-driven-io/emmett': PEER_VERSION,
    '@event-driven-io/emmett-sqlite': PEER_VERSION,
    sqlite3: '5.1.7'
  },
  allowScripts: { sqlite3: true }
}

/** True when the three packages and sqlite3's native binding are in place. */
export const peerInstalled = () =>
  ['@event-driven-io/emmett', '@event-driven-io/emmett-sqlite', 'sqlite3/build/Release/node_sqlite3.node'].every((p) =>
    existsSync(path.join(PEER_DIR, 'node_modules', p))
  )

const npmInstall = (log) =>
  new Promise((resolve) => {
    const child = spawn(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-package-lock', '--workspaces=false', '--prefix', PEER_DIR],
      {
        cwd: PEER_DIR,
        env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let output = ''
    const keep = (c) => {
      output += c.toString()
      if (output.length > 20_000) output = output.slice(-20_000)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', (e) => resolve({ ok: false, reason: `cannot run npm: ${e.message}` }))
    child.on('close', (code) => {
      if (code === 0) return resolve({ ok: true })
      log(output)
      resolve({ ok: false, reason: `npm install exited with code ${code}` })
    })
  })

/**
 * Makes sure the peer is installed. Resolves `{ ok: true }` or `{ ok: false, reason }`: a failure is reported by
 * the bench and the run goes on without the peer.
 */
export const ensurePeer = async (log = () => undefined) => {
  if (peerInstalled()) return { ok: true }
  mkdirSync(PEER_DIR, { recursive: true })
  writeFileSync(path.join(PEER_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const installed = await npmInstall(log)
  if (!installed.ok) return installed
  return peerInstalled()
    ? { ok: true }
    : { ok: false, reason: 'npm install finished but sqlite3 has no native binding' }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await ensurePeer((text) => process.stderr.write(text))
  console.log(JSON.stringify(r))
  process.exit(r.ok ? 0 : 1)
}
