/**
 * What the fleet module (plugins/fleet) publishes, declared here because its collect
 * (src/fleet/status.ts) builds it, and nothing under src/ imports plugins/.
 */
import * as T from 'typebox';
import { type DataOf, declareData } from '../core/data.js';

const nullableNumber = (unit: string, description: string) => T.Union([T.Number(), T.Null()], { unit, description });

export const fleetData = declareData(
  () => ({
    hosts: T.Integer({ unit: 'hosts', description: 'Hosts Prometheus has targets for (narrowed by `match`)' }),
    hostsUp: T.Integer({ unit: 'hosts', description: 'Hosts with at least one target up' }),
    hostsDown: T.Integer({ unit: 'hosts', description: 'Hosts with every target down' }),
    costPerHourUsd: nullableNumber('US dollars/hour', "The hosts' EC2 estimates summed (down ones at their last; what-ifs left out); null when none"),
    costPer30DaysUsd: nullableNumber('US dollars', 'The same for 30 days at the same rate'),
    worstHost: T.Union([T.String(), T.Null()], {
      description: 'The worst host: down, else the one with the highest CPU, memory or disk %; null for an empty fleet',
    }),
    worstFigure: T.Union([T.Enum(['down', 'cpu', 'memory', 'disk']), T.Null()], { description: 'What makes it the worst' }),
    worstRatio: nullableNumber('ratio (0–1)', 'That figure; null when the host is down or has no figure'),
    prometheus: T.String({ description: 'The Prometheus URL asked' }),
  }),
  { description: 'Published at every collect that got an answer from Prometheus; the module fails otherwise.' },
);

export type FleetData = DataOf<typeof fleetData>;
