/**
 * TEST DOUBLE of the RingCentral platform: API rate limits (CONNECT.md section 5). One sliding window per
 * group (the double serves one user of one app, so "per user + app" is per group), a penalty that every
 * request during it restarts, `X-Rate-Limit-*` headers on every answer of a grouped endpoint, and a
 * `CMN-301` 429 with `Retry-After`. `force` makes the next N answers of a group 429 whatever the counts.
 */
import { apiError, type Reply } from './wire.js'

export type RateGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth'

export interface GroupLimit {
  readonly limit: number
  readonly windowS: number
}

/** The documented defaults (per minute). */
export const defaultLimits: Readonly<Record<RateGroup, GroupLimit>> = {
  Light: { limit: 50, windowS: 60 },
  Medium: { limit: 40, windowS: 60 },
  Heavy: { limit: 10, windowS: 60 },
  Auth: { limit: 5, windowS: 60 }
}

interface GroupState {
  limit: GroupLimit
  accepted: number[]
  penaltyUntil: number
  forced: { remaining: number; retryAfterS: number }
}

export type Admission =
  | { readonly _tag: 'Admitted'; readonly headers: Readonly<Record<string, string>> }
  | { readonly _tag: 'Limited'; readonly reply: Reply }

export class RateLimiter {
  private readonly groups: Record<RateGroup, GroupState>

  constructor(
    limits: Partial<Record<RateGroup, GroupLimit>>,
    private readonly penaltyS: number
  ) {
    const state = (group: RateGroup): GroupState => ({
      limit: limits[group] ?? defaultLimits[group],
      accepted: [],
      penaltyUntil: 0,
      forced: { remaining: 0, retryAfterS: 0 }
    })
    this.groups = { Light: state('Light'), Medium: state('Medium'), Heavy: state('Heavy'), Auth: state('Auth') }
  }

  setLimit(group: RateGroup, limit: GroupLimit): void {
    this.groups[group].limit = limit
    this.groups[group].accepted = []
    this.groups[group].penaltyUntil = 0
  }

  force(group: RateGroup, count: number, retryAfterS: number): void {
    this.groups[group].forced = { remaining: count, retryAfterS }
  }

  /** Counts one request of `group` at `now` (ms) and says whether it may be served. */
  admit(group: RateGroup, now: number): Admission {
    const state = this.groups[group]
    const windowMs = state.limit.windowS * 1000
    state.accepted = state.accepted.filter((at) => at > now - windowMs)
    const headers = (remaining: number): Record<string, string> => ({
      'X-Rate-Limit-Group': group.toLowerCase(),
      'X-Rate-Limit-Limit': String(state.limit.limit),
      'X-Rate-Limit-Remaining': String(Math.max(0, remaining)),
      'X-Rate-Limit-Window': String(state.limit.windowS)
    })
    const limited = (retryAfterS: number): Admission => {
      const reply = apiError(429, 'CMN-301', `Request rate exceeded`)
      return {
        _tag: 'Limited',
        reply: { ...reply, headers: { ...headers(0), 'Retry-After': String(retryAfterS) } }
      }
    }
    if (state.forced.remaining > 0) {
      state.forced.remaining -= 1
      return limited(state.forced.retryAfterS)
    }
    if (state.penaltyUntil > now || state.accepted.length >= state.limit.limit) {
      // Any request during the penalty restarts it (CONNECT.md section 5).
      state.penaltyUntil = now + this.penaltyS * 1000
      return limited(this.penaltyS)
    }
    state.accepted.push(now)
    return { _tag: 'Admitted', headers: headers(state.limit.limit - state.accepted.length) }
  }
}
