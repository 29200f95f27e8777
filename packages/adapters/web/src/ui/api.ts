/**
 * The API client: same-origin fetch with the bearer token kept in sessionStorage. A 401 asks for the token (the
 * token form watches `auth`); once given, `auth.epoch` changes and the pages fetch again.
 */
import { store } from './store'

const KEY = 'callstate.apiToken'

export interface AuthState {
  /** The server answered 401: the token form is shown. */
  readonly needed: boolean
  /** A token was sent and refused. */
  readonly refused: boolean
  /** Bumped when the token changes: pages and the feed start again. */
  readonly epoch: number
}

export const auth = store<AuthState>({ needed: false, refused: false, epoch: 0 })

const read = (): string | null => {
  try {
    return sessionStorage.getItem(KEY)
  } catch {
    return null
  }
}

export const token = (): string | null => read()

export const setToken = (value: string): void => {
  try {
    sessionStorage.setItem(KEY, value)
  } catch {
    // storage disabled: the token lives as long as this page (below)
  }
  memory = value
  auth.set({ needed: false, refused: false, epoch: auth.get().epoch + 1 })
}

let memory: string | null = null

export const authHeaders = (): Record<string, string> => {
  const t = read() ?? memory
  return t === null || t === '' ? {} : { authorization: `Bearer ${t}` }
}

/** The server refused the request for want of a (good) token. */
export const unauthorized = (): void => {
  const hadToken = 'authorization' in authHeaders()
  const now = auth.get()
  if (!now.needed) auth.set({ ...now, needed: true, refused: hadToken })
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export type Params = Record<string, string | number | boolean | undefined | null>

export const urlOf = (path: string, params: Params = {}): string => {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s === '' ? path : `${path}?${s}`
}

/** GET a JSON route. Throws ApiError (with the server's message) on a non-2xx answer. */
export const api = async <T>(path: string, params?: Params, signal?: AbortSignal): Promise<T> => {
  const res = await fetch(urlOf(path, params), {
    headers: { accept: 'application/json', ...authHeaders() },
    cache: 'no-store',
    ...(signal !== undefined ? { signal } : {})
  })
  if (res.status === 401) unauthorized()
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { message?: string } | null
    throw new ApiError(res.status, body?.message ?? `${res.status} ${res.statusText}`)
  }
  return (await res.json()) as T
}
