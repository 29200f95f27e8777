/**
 * The simulated account: its id, the subscription that receives the notifications, the users'
 * extensions, a call queue and an IVR menu. Ids have the shapes of real ones (account `809646016`, extension
 * `62242421016`, device `210074565016`).
 */
import type { Rng } from './prng.js'
import type { SimEndpoint } from './script.js'

export interface Extension {
  readonly id: string
  /** Short internal number, `101`. */
  readonly number: string
  readonly name: string
  /** Direct number in E.164. */
  readonly phoneNumber: string
  readonly deviceId: string
  /** A second device (the mobile app) the call can be switched to. */
  readonly mobileDeviceId: string
}

export interface Directory {
  readonly accountId: string
  readonly subscriptionId: string
  readonly mainNumber: string
  readonly extensions: ReadonlyArray<Extension>
  readonly queue: { readonly id: string; readonly name: string; readonly phoneNumber: string }
  /** The auto-receptionist (IVR menu) that answers the main number and passes callers on (capture 01). */
  readonly ivr: { readonly id: string; readonly name: string }
}

const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jon', 'Kira', 'Leo', 'Maya']
const LAST = ['Roy', 'Babji', 'Chan', 'Ji', 'Okafor', 'Novak', 'Silva', 'Tanaka', 'Weber', 'Young', 'Zhou']
const CALLER_NAMES = ['WIRELESS CALLER', 'DIBYENDU ROY', 'ACME CORP', 'SMITH J', 'TOLL FREE CALL']

export const e164 = (rng: Rng): string =>
  `+1${rng.int(201, 989)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`

const uuidV4 = (rng: Rng): string => {
  const h = rng.hex(32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export const makeDirectory = (rng: Rng, count: number): Directory => {
  const accountId = `${rng.int(100_000, 999_999)}016`
  const extensions = Array.from({ length: count }, (_, i) => ({
    // Unique by construction: the index is part of the id.
    id: `${rng.int(10, 99)}${String(i).padStart(6, '0')}016`,
    number: String(101 + i),
    name: `${FIRST[i % FIRST.length] ?? 'Agent'} ${LAST[(i * 7) % LAST.length] ?? String(i)}`,
    phoneNumber: e164(rng),
    deviceId: `${rng.int(200_000_000, 299_999_999)}016`,
    mobileDeviceId: `${rng.int(800_000_000, 899_999_999)}016`
  }))
  return {
    accountId,
    subscriptionId: uuidV4(rng),
    mainNumber: e164(rng),
    extensions,
    queue: { id: `${rng.int(60_000_000, 69_999_999)}016`, name: 'Support queue', phoneNumber: e164(rng) },
    ivr: { id: `${rng.int(70_000_000, 79_999_999)}016`, name: 'IVR Menu 1001' }
  }
}

/** An outside caller or callee: a phone number, sometimes with a caller-id name. */
export const pstn = (rng: Rng): SimEndpoint =>
  rng.chance(0.4) ? { phoneNumber: e164(rng), name: rng.pick(CALLER_NAMES) } : { phoneNumber: e164(rng) }

export const endpointOf = (ext: Extension, device = false): SimEndpoint =>
  device
    ? { phoneNumber: ext.phoneNumber, name: ext.name, extensionId: ext.id, deviceId: ext.deviceId }
    : { phoneNumber: ext.phoneNumber, name: ext.name, extensionId: ext.id }

/** `count` distinct extensions. */
export const pickExtensions = (rng: Rng, dir: Directory, count: number): Extension[] => {
  const chosen: Extension[] = []
  while (chosen.length < Math.min(count, dir.extensions.length)) {
    const ext = rng.pick(dir.extensions)
    if (!chosen.includes(ext)) chosen.push(ext)
  }
  return chosen
}
