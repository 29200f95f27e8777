/** Hash routing (`#/`, `#/queues`, `#/calls/<id>?at=...`): the server serves one page and needs no fallback. */
import { useEffect, useState } from 'preact/hooks'

export interface Route {
  readonly path: ReadonlyArray<string>
  readonly query: URLSearchParams
}

export const parseHash = (hash: string): Route => {
  const raw = hash.replace(/^#/, '')
  const [p = '', q = ''] = raw.split('?', 2)
  return {
    path: p
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s)),
    query: new URLSearchParams(q)
  }
}

export const useRoute = (): Route => {
  const [route, setRoute] = useState(() => parseHash(location.hash))
  useEffect(() => {
    const on = (): void => setRoute(parseHash(location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}

export const href = (path: ReadonlyArray<string>, query: Record<string, string | undefined> = {}): string => {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v)
  const s = q.toString()
  return `#/${path.map(encodeURIComponent).join('/')}${s === '' ? '' : `?${s}`}`
}

/** Replaces the query of the current route without a new history entry. */
export const replaceQuery = (query: Record<string, string | undefined>): void => {
  const { path } = parseHash(location.hash)
  history.replaceState(null, '', href(path, query))
}
