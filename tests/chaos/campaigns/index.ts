/** Every campaign `npm run chaos` runs, in this order. Add one import and one entry per campaign. */
import type { Campaign } from '../campaign.js'
import { backup } from './backup.js'
import { clients } from './clients.js'
import { corruption } from './corruption.js'
import { crash } from './crash.js'
import { diskFull } from './disk-full.js'
import { hostileInput } from './hostile-input.js'
import { security } from './security.js'
import { storeOutage } from './store-outage.js'

export const campaigns: ReadonlyArray<Campaign> = [
  hostileInput,
  crash,
  diskFull,
  corruption,
  clients,
  security,
  backup,
  storeOutage
]
