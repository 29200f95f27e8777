/** What the `event` path of an envelope says: the kind of notification, and the extension it is about. */
import type { NotificationKind } from '../notification.js'

const splitQuery = (event: string): readonly [string, string] => {
  const q = event.indexOf('?')
  return q < 0 ? [event, ''] : [event.slice(0, q), event.slice(q + 1)]
}

const isDetailed = (query: string): boolean =>
  query !== '' && query.split('&').some((param) => param.toLowerCase() === 'detailedtelephonystate=true')

/**
 * Kind by the end of the path (account or extension level, any query string). `/presence` covers the line and
 * favorite variants (`.../presence/line/presence`, `.../favorite/presence`). `/message-store/instant` is an
 * instant message, not a message-store counter change, so it is `unknown`.
 */
export const kindOfEvent = (event: string): NotificationKind => {
  const [path, query] = splitQuery(event)
  if (path.endsWith('/telephony/sessions')) return 'telephony-session'
  if (path.endsWith('/presence')) return isDetailed(query) ? 'detailed-presence' : 'presence'
  if (path.endsWith('/message-store')) return 'message-store'
  return 'unknown'
}

// Only the extension's own presence and message store: on `/presence/line/presence` and `/favorite/presence`
// the extension in the path is the subscriber, not the one whose presence the body describes.
const OWN_EXTENSION = /\/extension\/([^/]+)\/(?:presence|message-store)$/

/** The extension id in `/extension/<id>/presence` or `/extension/<id>/message-store`; not `~` (the caller). */
export const extensionIdOfEvent = (event: string): string | undefined => {
  const id = OWN_EXTENSION.exec(splitQuery(event)[0])?.[1]
  return id === undefined || id === '~' ? undefined : id
}
