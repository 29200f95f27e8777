/**
 * TEST DOUBLE of the RingCentral platform: event filters (CONNECT.md section 4). A subscription's filters come
 * back with `~` replaced by the real account and extension ids; an event matches a filter when their paths
 * (query strings aside) are equal, and an account-level filter (`/account/A/telephony/sessions`,
 * `/account/A/presence`) also matches the per-extension events of that account. Filter query parameters
 * (`direction`, `statusCode`, `detailedTelephonyState`, ...) are kept but not applied.
 */

export interface Identity {
  readonly accountId: string
  readonly extensionId: string
}

const prefix = '/restapi/v1.0'

/** Replaces `~` for the account and the extension (`/account/~/extension/~/presence`). */
export const expandIds = (path: string, identity: Identity): string =>
  path
    .replace(/\/account\/~(?=\/|\?|$)/, `/account/${identity.accountId}`)
    .replace(/\/extension\/~(?=\/|\?|$)/, `/extension/${identity.extensionId}`)

/** Why a filter is refused, or undefined when the double can serve it. */
export const filterProblem = (filter: string): string | undefined => {
  const path = withoutPrefix(filter)
  if (/^\/account\/[^/?]+\//.test(path)) return undefined
  if (/^\/subscription\/~(\?|$)/.test(path)) return undefined
  return `Event filter [${filter}] is not supported`
}

const withoutPrefix = (path: string): string => (path.startsWith(prefix) ? path.slice(prefix.length) : path)

const pathPart = (path: string): string => withoutPrefix(path).split('?')[0] ?? ''

export const filterMatches = (filter: string, event: string, identity: Identity): boolean => {
  const filterPath = pathPart(expandIds(filter, identity))
  const eventPath = pathPart(expandIds(event, identity))
  if (filterPath === eventPath) return true
  const accountLevel = /^\/account\/([^/]+)\/(telephony\/sessions|presence)$/.exec(filterPath)
  if (accountLevel === null) return false
  const [, account, resource] = accountLevel
  return eventPath === `/account/${account}/extension/${eventPath.split('/')[4] ?? ''}/${resource}`
}
