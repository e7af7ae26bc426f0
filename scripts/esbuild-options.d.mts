import type { BuildOptions, Metafile } from 'esbuild';

export declare const EXTERNAL: string[];
export declare const common: BuildOptions;
export declare const launched: BuildOptions & { metafile: true };
export declare function checkRequirable(metafile: Metafile, root: string): void;
