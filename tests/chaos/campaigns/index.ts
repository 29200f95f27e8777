/** Every campaign `npm run chaos` runs, in this order. Add one import and one entry per campaign. */
import type { Campaign } from '../campaign.js'

export const campaigns: ReadonlyArray<Campaign> = []
