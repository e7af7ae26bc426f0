import type { BuildOptions } from 'esbuild';

export declare const EXTERNAL: string[];
export declare const common: BuildOptions;
