/** Which strategies a report shows, in what order, and in which colour. */
import type { SimulationReport, StrategyName, StrategyReport } from '../types.ts'

const COLORS: Partial<Record<string, string>> = {
  patchmesh: '#0969da',
  naive: '#cf222e',
  swarm: '#1a7f37',
  'site-cache': '#bc4c00',
}

const SPARE_COLORS = ['#8250df', '#bf3989', '#4d2d00', '#0a3069']

/** A strategy that ran, with its name. */
export interface RanStrategy {
  name: StrategyName
  report: StrategyReport
  color: string
}

/**
 * The strategies that have a report: in the scenario's order, then any others the report holds
 * (a report from a newer simulator may name one the scenario list here does not).
 */
export function ranStrategies(report: SimulationReport): RanStrategy[] {
  const names = [...report.scenario.strategies]
  for (const name of Object.keys(report.strategies) as StrategyName[]) {
    if (!names.includes(name)) names.push(name)
  }

  const ran: RanStrategy[] = []
  for (const name of names) {
    const strategy = report.strategies[name]
    if (strategy === undefined) continue
    const color = COLORS[name] ?? SPARE_COLORS[ran.length % SPARE_COLORS.length]
    ran.push({ name, report: strategy, color })
  }

  return ran
}
