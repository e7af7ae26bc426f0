/**
 * Outside text (a user name, an os-release value, a session name) as a module publishes it:
 * control characters removed, as every status-line renderer removes them (src/render/sanitize.ts),
 * so `--format json` and the dashboard get the same text the line shows. Everything else (a '#',
 * '#[fg=red]', '#(cmd)') stays, for each renderer to escape for its own back end.
 */
export { stripControl as withoutControl } from '../render/sanitize.js';
