/**
 * The bounds of what keeping the host here costs, declared once: the what-if flags
 * (--here-watts ...) are read against them (inputs.ts), the config's modules.ec2-cost.here keys
 * are validated against them (options.ts), and ec2-cost checks the values it takes from the
 * validated config against them again (here-inputs.ts). No imports: options.ts is in the status
 * line's bundle.
 */
export const HERE_BOUNDS = {
  'here-watts': { key: 'watts', min: 0, max: 100_000, unit: 'W', whole: false },
  'kwh-price': { key: 'kwh_price_usd', min: 0, max: 10, unit: 'USD per kWh', whole: false },
  'hardware-usd': { key: 'hardware_usd', min: 0, max: 10_000_000, unit: 'USD', whole: false },
  /** A whole number of months, at least one: a fraction of a month would multiply the monthly share. */
  'hardware-months': { key: 'hardware_months', min: 1, max: 1200, unit: 'months', whole: true },
  'bandwidth-usd-month': { key: 'bandwidth_usd_month', min: 0, max: 10_000_000, unit: 'USD a month', whole: false },
} as const;

export type HereFlag = keyof typeof HERE_BOUNDS;
