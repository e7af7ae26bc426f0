/** What either vendor's reader gives for one GPU, each absent where the card or driver says nothing. */
export interface GpuFigures {
  /** 0-1. */
  utilization?: number;
  memoryUsed?: number;
  memoryTotal?: number;
  celsius?: number;
  watts?: number;
  powerLimitWatts?: number;
}
