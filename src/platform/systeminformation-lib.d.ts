/**
 * The files of the systeminformation package that src/platform/systeminformation.ts loads one
 * by one: its index loads every one of them (~86 ms measured here), where memory's alone costs
 * ~19 ms. Their functions are the index's, typed by the package's own declarations.
 */
declare module 'systeminformation/lib/memory.js' {
  export { mem } from 'systeminformation';
}
declare module 'systeminformation/lib/network.js' {
  export { networkInterfaceDefault, networkStats } from 'systeminformation';
}
declare module 'systeminformation/lib/filesystem.js' {
  export { fsStats } from 'systeminformation';
}
declare module 'systeminformation/lib/users.js' {
  export { users } from 'systeminformation';
}
declare module 'systeminformation/lib/processes.js' {
  export { processes } from 'systeminformation';
}
declare module 'systeminformation/lib/cpu.js' {
  export { cpuTemperature } from 'systeminformation';
}
