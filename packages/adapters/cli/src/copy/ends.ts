/**
 * The two ends of `callstate copy`: the store the global options name (the source) and `--to` (the target), a data
 * directory or an EventStoreDB connection string. Each has an identity that names the store and nothing else (an
 * absolute, symlink-free path; an EventStoreDB scheme and its sorted hosts, without credentials or settings): it
 * refuses a copy onto itself and keys the progress file, which must never hold a password.
 */
import * as E from 'fp-ts/lib/Either.js'
import { existsSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'

export type StoreEnd =
  | { readonly kind: 'sqlite'; readonly dataDir: string; readonly identity: string }
  | { readonly kind: 'esdb'; readonly url: string; readonly identity: string }

const ESDB = /^(esdb|esdb\+discover):\/\/(.*)$/i
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/** The real path of a directory, or of its nearest existing parent with the rest appended (it may not exist yet). */
const realDir = (dir: string): string => {
  const absolute = path.resolve(dir)
  if (existsSync(absolute)) return realpathSync(absolute)
  const parent = path.dirname(absolute)
  return parent === absolute ? absolute : path.join(realDir(parent), path.basename(absolute))
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** `esdb://user:pass@B:2113,a?tls=false` -> `esdb://a:2113,b:2113`: what names the cluster, nothing secret. */
const esdbIdentity = (scheme: string, rest: string): E.Either<string, string> => {
  const authority = rest.split(/[/?]/, 1)[0] ?? ''
  const hosts = authority.slice(authority.lastIndexOf('@') + 1)
  if (hosts === '') return E.left('an EventStoreDB connection string names at least one host (esdb://host:2113)')
  const normalised = hosts.split(',').map((h) => {
    const host = h.trim().toLowerCase()
    const port = /:(\d+)$/.exec(host)
    const name = port ? host.slice(0, port.index) : host
    return `${LOOPBACK.has(name) ? '127.0.0.1' : name}:${port?.[1] ?? '2113'}`
  })
  return E.right(`${scheme.toLowerCase()}://${[...new Set(normalised)].sort().join(',')}`)
}

/** The store a connection string or data directory names. A `--to` that cannot name one is the caller's mistake. */
export const storeEnd = (where: { readonly dataDir: string; readonly esdb?: string }): E.Either<string, StoreEnd> => {
  if (where.esdb !== undefined) {
    const m = ESDB.exec(where.esdb.trim())
    if (!m) return E.left(`not an EventStoreDB connection string (esdb://host:2113?tls=false): ${where.esdb}`)
    const url = where.esdb.trim()
    return E.map((identity: string): StoreEnd => ({ kind: 'esdb', url, identity }))(
      esdbIdentity(m[1] ?? 'esdb', m[2] ?? '')
    )
  }
  const identity = realDir(where.dataDir)
  return E.right({ kind: 'sqlite', dataDir: where.dataDir, identity })
}

/** `--to`: `esdb://...` / `esdb+discover://...`, or a data directory (created when missing). */
export const targetOf = (to: string): E.Either<string, StoreEnd> => {
  const text = to.trim()
  if (text === '') return E.left('--to is empty: give a data directory or an esdb:// connection string')
  if (ESDB.test(text)) return storeEnd({ dataDir: '', esdb: text })
  if (SCHEME.test(text))
    return E.left(`--to ${to}: unknown scheme; give a data directory or an esdb:// connection string`)
  if (existsSync(text) && !statSync(text).isDirectory())
    return E.left(`--to ${to} is not a directory: give a data directory or an esdb:// connection string`)
  return storeEnd({ dataDir: text })
}

export const describeEnd = (end: StoreEnd): string =>
  end.kind === 'sqlite' ? `the data directory ${end.identity}` : `EventStoreDB ${end.identity}`
