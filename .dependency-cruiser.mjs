/**
 * The direction of dependencies between callstate's packages, checked by `npm run lint` (dependency-cruiser).
 *
 *   domain       -> nothing of ours (fp-ts and io-ts only)
 *   projections  -> domain
 *   simulator    -> nothing of ours (an independent oracle)
 *   an adapter   -> domain, projections, and only the adapters its package.json declares
 *   http (face)  -> anything below it; cli (the composition root, owner of the `callstate` bin) -> anything
 *   nothing      -> a face (only the cli starts the http server; nothing imports the cli)
 *
 * "Declares" is read from each workspace's package.json, so a new import of another package is an error until
 * the dependency is written down (and turbo builds in that order). Tests may also use their devDependencies.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(fileURLToPath(import.meta.url))
const workspaceDirs = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces.flatMap((w) =>
  w.endsWith('/*')
    ? fs
        .readdirSync(path.join(root, w.slice(0, -2)), { withFileTypes: true })
        .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, w.slice(0, -2), d.name, 'package.json')))
        .map((d) => `${w.slice(0, -2)}/${d.name}`)
    : [w]
)
const packages = workspaceDirs.map((dir) => {
  const json = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'))
  const ours = (deps) => Object.keys(deps ?? {}).filter((d) => d.startsWith('@callstate/'))
  return { dir, name: json.name, deps: ours(json.dependencies), devDeps: ours(json.devDependencies) }
})
const dirOf = (name) => packages.find((p) => p.name === name)?.dir
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const under = (dirs) => `^(${dirs.map(escape).join('|')})/`
const ourPackageDirs = packages.map((p) => p.dir)

/** One rule per package and kind of file: imports of a package of ours that is not declared are errors. */
const declared = packages.flatMap((p) => {
  const rule = (name, from, allowed) => {
    const others = ourPackageDirs.filter((d) => d !== p.dir && !allowed.includes(d))
    return others.length === 0
      ? []
      : [
          {
            name,
            severity: 'error',
            comment: `${p.name} may import only the packages of ours its package.json declares`,
            from: { path: from },
            to: { path: under(others) }
          }
        ]
  }
  const deps = p.deps.map(dirOf).filter(Boolean)
  const devDeps = p.devDeps.map(dirOf).filter(Boolean)
  return [
    ...rule(`undeclared-from-${p.name}`, `^${escape(p.dir)}/(src|bin)/`, deps),
    ...rule(`undeclared-from-${p.name}-tests`, `^${escape(p.dir)}/test/`, [...deps, ...devDeps])
  ]
})

const faces = ['packages/adapters/http', 'packages/adapters/cli']

export default {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain imports fp-ts and io-ts only',
      from: { path: '^packages/domain/src/' },
      to: { pathNot: '^packages/domain/src/|node_modules/(fp-ts|io-ts)/' }
    },
    {
      name: 'projections-only-domain',
      severity: 'error',
      comment: 'projections are pure folds over the port: domain, fp-ts, io-ts and nothing else of ours',
      from: { path: '^packages/projections/src/' },
      to: { path: under(ourPackageDirs.filter((d) => !['packages/domain', 'packages/projections'].includes(d))) }
    },
    {
      name: 'simulator-is-independent',
      severity: 'error',
      comment: 'the simulator is an oracle: it shares no code with what it checks',
      from: { path: '^packages/simulator/src/' },
      to: { path: under(ourPackageDirs.filter((d) => d !== 'packages/simulator')) }
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'the cli is the composition root: nothing depends on it but the end-to-end tests',
      from: { pathNot: '^(packages/adapters/cli|tests)/' },
      to: { path: '^packages/adapters/cli/' }
    },
    {
      name: 'only-the-cli-starts-the-http-face',
      severity: 'error',
      comment: 'faces sit on top: the http face is composed by the cli (serve) and by nothing else',
      from: { pathNot: `^(${faces.map(escape).join('|')}|tests)/` },
      to: { path: '^packages/adapters/http/' }
    },
    ...declared,
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true }
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true }
    },
    {
      name: 'no-undeclared-npm',
      severity: 'error',
      comment: "an npm package used by a workspace must be in that workspace's package.json",
      from: { path: '^packages/[^/]+/(src|bin)/|^packages/adapters/[^/]+/(src|bin)/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'npm-dev'] }
    }
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    exclude: { path: ['\\.d\\.ts$', '^bench/\\.', '(^|/)\\.turbo/'] },
    tsPreCompilationDeps: true,
    // Our packages export their sources under the `source` condition, so the check needs no build.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['source', 'import', 'default'] },
    combinedDependencies: false,
    reporterOptions: { text: { highlightFocused: true } }
  }
}
