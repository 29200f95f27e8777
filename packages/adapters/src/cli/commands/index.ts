/**
 * Every command module exports `register(program)`, which adds its command(s) with their own options
 * and help. Add one import and one call per module; keep the list alphabetical.
 */
import type { Command } from 'commander'

export const registerAll = (program: Command): void => {
  void program
}
