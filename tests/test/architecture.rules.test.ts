/**
 * The dependency directions `npm run lint` enforces (.dependency-cruiser.mjs), checked the way lint checks them:
 * a probe file with one import is written into a package's sources, dependency-cruiser runs with the project's
 * config, and the violation it reports must be the rule that forbids that import. The probe is removed after.
 */
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const ROOT = path.resolve(import.meta.dirname, '../..')
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')

interface Violation {
  readonly rule: { readonly name: string }
  readonly from: string
  readonly to: string
}

const cruise = (targets: ReadonlyArray<string>): ReadonlyArray<Violation> => {
  const r = spawnSync(
    process.execPath,
    [DEPCRUISE, ...targets, '--config', '.dependency-cruiser.mjs', '--output-type', 'json'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
  )
  const result: unknown = JSON.parse(r.stdout)
  const violations =
    typeof result === 'object' && result !== null ? Reflect.get(Reflect.get(result, 'summary'), 'violations') : []
  assert.ok(Array.isArray(violations), r.stderr)
  return violations
}

/** The rules that fire on a probe importing `specifier` from the sources of `dir`. */
const rulesFor = (dir: string, specifier: string): string[] => {
  const probe = path.join(ROOT, dir, 'src', `arch-probe-${process.pid}.ts`)
  writeFileSync(probe, `import * as probe from '${specifier}'\nexport const x = probe\n`)
  try {
    return cruise([path.relative(ROOT, probe)])
      .map((v) => v.rule.name)
      .sort()
  } finally {
    rmSync(probe, { force: true })
  }
}

test('the tree as committed breaks no rule', () => {
  assert.equal(cruise(['packages', 'tests', 'bench']), [])
})

test('domain imports nothing of ours', () => {
  assert.equal(rulesFor('packages/domain', '@callstate/projections'), [
    'domain-is-pure',
    'undeclared-from-@callstate/domain'
  ])
})

test('domain imports no I/O: only fp-ts and io-ts', () => {
  assert.equal(rulesFor('packages/domain', 'node:fs'), ['domain-is-pure'])
})

test('projections import domain and nothing above it', () => {
  assert.equal(rulesFor('packages/projections', '@callstate/sqlite'), [
    'projections-only-domain',
    'undeclared-from-@callstate/projections'
  ])
})

test('the simulator shares no code with what it checks', () => {
  assert.equal(rulesFor('packages/simulator', '@callstate/domain'), [
    'simulator-is-independent',
    'undeclared-from-@callstate/simulator'
  ])
})

test('an adapter imports only the adapters its package.json declares', () => {
  assert.equal(rulesFor('packages/adapters/sqlite', '@callstate/esdb'), ['undeclared-from-@callstate/sqlite'])
  // Declared: readmodels -> sqlite (the parallel rebuild reads shards of the embedded log).
  assert.equal(rulesFor('packages/adapters/readmodels', '@callstate/sqlite'), [])
})

test('nothing imports a face: not the cli, and the http face only from the cli', () => {
  assert.equal(rulesFor('packages/adapters/esdb', '@callstate/cli'), [
    'nothing-imports-the-cli',
    'undeclared-from-@callstate/esdb'
  ])
  assert.equal(rulesFor('packages/adapters/ingest', '@callstate/http'), [
    'only-the-cli-starts-the-http-face',
    'undeclared-from-@callstate/ingest'
  ])
})

test('an npm package must be declared by the workspace that uses it', () => {
  assert.equal(rulesFor('packages/adapters/sqlite', 'pino'), ['no-undeclared-npm'])
})

test.run()
