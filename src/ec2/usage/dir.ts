/**
 * Where the usage record lives: <state>/ec2/usage/, beside the month ledger. Its own small file so
 * that `ec2-cost --detail` can ask whether anything was recorded (fit-wanted.ts) without loading
 * the store.
 */
import { join } from 'node:path';
import { ledgerDir } from '../ledger/store.js';

export function usageDir(env: NodeJS.ProcessEnv): string {
  return join(ledgerDir(env), 'usage');
}
