/**
 * The config's schema validator, compiled by ajv when shoji is built (scripts/build.mjs puts the
 * generated one in this module's place in the bundle; src/app/config-standalone.ts makes it). Compiling
 * it at run time took ~350 ms of CPU the first time a config was read (CPU profile of a
 * dashboard's start): the largest part of its start. From the sources (the tests) there is none.
 *
 * `schema` is the JSON text of the schema it was compiled from: it is used only for that very
 * schema, so a config read with other modules (a user's plugins, byobu scripts) is validated by
 * ajv compiled then, as before.
 */
import type { ValidateFunction } from 'ajv';

export const prebuilt: { schema: string; validate: ValidateFunction } | undefined = undefined;
