/**
 * Where every panel goes for a terminal size: a pure function, so each size from 200x60 down
 * to 80x24 can be checked for overlaps and gaps without a terminal, and a resize is just
 * "compute again and move the boxes".
 *
 *   header (1 row: host, OS, uptime, time, keys)
 *   left column          | right column
 *   CPU (+ load)         | memory and swap
 *   network              | disk usage and I/O
 *   processes            | EC2 cost, battery, temperature, then one panel per other module
 */

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const MIN_COLS = 80;
export const MIN_ROWS = 24;

export interface ModuleWant {
  id: string;
  /** Content lines the panel would like: its text, detail lines, error. */
  lines: number;
}

export interface LayoutInput {
  cols: number;
  rows: number;
  battery: boolean;
  ec2: boolean;
  /** The network panel has nothing to report (no interface to show): one line, its rows to the process table. */
  quietNetwork?: boolean;
  /** Sensor lines the temperature panel would like (0: no sensors, no panel). */
  temperature?: number;
  modules: ModuleWant[];
}

export interface PlacedModule {
  id: string;
  rect: Rect;
  /** Content lines that fit inside the border. */
  lines: number;
}

export interface Layout {
  /** Set when the terminal is too small: say so instead of drawing. */
  tooSmall?: string;
  header: Rect;
  cpu: Rect;
  memory: Rect;
  network: Rect;
  disk: Rect;
  procs: Rect;
  battery?: Rect;
  ec2?: Rect;
  temperature?: Rect;
  modules: PlacedModule[];
  /** Modules without room: listed in the `more` panel. */
  more?: { rect: Rect; ids: string[] };
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
const EMPTY: Rect = { left: 0, top: 0, width: 0, height: 0 };
/** Narrowest module panel worth drawing. */
const MODULE_MIN_WIDTH = 26;
/** Narrowest module panel that shows its detail lines readably: below it, details are cut to three lines first. */
const MODULE_READABLE_WIDTH = 32;
const EC2_LINES = 5;

export function computeLayout(input: LayoutInput): Layout {
  const { cols, rows } = input;
  if (cols < MIN_COLS || rows < MIN_ROWS) {
    return {
      tooSmall: `shoji dashboard needs at least ${MIN_COLS}x${MIN_ROWS}; this terminal is ${cols}x${rows}`,
      header: EMPTY,
      cpu: EMPTY,
      memory: EMPTY,
      network: EMPTY,
      disk: EMPTY,
      procs: EMPTY,
      modules: [],
    };
  }
  const body = rows - 1;
  const leftW = cols >= 120 ? Math.round(cols * 0.58) : Math.floor(cols / 2);
  const rightW = cols - leftW;
  const topH = clamp(Math.round(body * 0.3), 7, 16);
  const midH = clamp(Math.round(body * 0.22), 6, 12);
  const restTop = 1 + topH + midH;
  const restH = rows - restTop;

  // A network panel with nothing to report is one line; the process table below gets its rows.
  const netH = input.quietNetwork ? 3 : midH;
  const layout: Layout = {
    header: { left: 0, top: 0, width: cols, height: 1 },
    cpu: { left: 0, top: 1, width: leftW, height: topH },
    network: { left: 0, top: 1 + topH, width: leftW, height: netH },
    procs: { left: 0, top: 1 + topH + netH, width: leftW, height: rows - (1 + topH + netH) },
    memory: { left: leftW, top: 1, width: rightW, height: topH },
    disk: { left: leftW, top: 1 + topH, width: rightW, height: midH },
    modules: [],
  };

  // The right column's remainder, top down: EC2 cost first (it matters most), then battery and
  // temperature (a row of their own each at least), keeping rows for the module panels (or the
  // "more" panel listing them) when there are any: as many as list them one a line, up to half.
  let top = restTop;
  let free = restH;
  const wants = input.modules.slice();
  const columns = Math.max(1, Math.floor(rightW / MODULE_MIN_WIDTH));
  // The battery's panel is 3 rows for one line: it is given only where the modules keep a panel
  // each beside it; else the battery is one of them (a line in the "more" panel, if need be).
  const oneLinePanels = Math.ceil(wants.length / columns) * 3;
  const batteryPanel = input.battery && restH - (input.ec2 ? 4 : 0) - (input.temperature ? 3 : 0) - 3 >= oneLinePanels;
  if (input.battery && !batteryPanel) wants.unshift({ id: 'battery', lines: 1 });
  const reserve = () => (wants.length > 0 ? Math.min(wants.length + 2, Math.max(3, Math.floor(free / 2))) : 0);
  if (input.ec2) {
    const h = Math.max(Math.min(EC2_LINES + 2, free - reserve() - (batteryPanel ? 3 : 0) - (input.temperature ? 3 : 0)), Math.min(4, free));
    layout.ec2 = { left: leftW, top, width: rightW, height: h };
    top += h;
    free -= h;
  }
  if (batteryPanel) {
    layout.battery = { left: leftW, top, width: rightW, height: 3 };
    top += 3;
    free -= 3;
  }
  if (input.temperature) {
    // Below the battery, as tall as its sensors (at least one), leaving the module panels their rows.
    const h = Math.min(input.temperature + 2, free - reserve());
    if (h >= 3) {
      layout.temperature = { left: leftW, top, width: rightW, height: h };
      top += h;
      free -= h;
    } else {
      // No room of its own: the hottest sensor as a one-line module panel (or named in "more").
      wants.unshift({ id: 'temperature', lines: 1 });
    }
  }
  placeModules(layout, wants, { left: leftW, top, width: rightW, height: free });
  return layout;
}

/**
 * The panels to give, of modules in order of importance: the `first` ones always (the layout
 * names in "more" what does not fit of them), then each of `then` that fits beside them without
 * cutting any panel's lines. So modules the user did not put on the line (cpu-freq, distro...)
 * take the room that is left, never the room of a module the user chose.
 */
export function modulesToPlace(input: Omit<LayoutInput, 'modules'>, first: ModuleWant[], then: ModuleWant[]): ModuleWant[] {
  // Every one in a panel of its own with all its lines (the battery or temperature may join them).
  const whole = (wants: ModuleWant[]) => {
    const placed = computeLayout({ ...input, modules: wants }).modules;
    return wants.every((w) => (placed.find((m) => m.id === w.id)?.lines ?? 0) >= Math.max(1, w.lines));
  };
  let chosen = first;
  if (!whole(chosen)) return chosen;
  for (const want of then) if (whole([...chosen, want])) chosen = [...chosen, want];
  return chosen;
}

/**
 * Module panels fill the region in columns, top down. If they do not all fit with their
 * details, details are cut (to 3 lines, then none); when even one-line panels do not fit, one
 * "more" panel takes the region and lists them, so no module silently disappears.
 */
function placeModules(layout: Layout, wants: ModuleWant[], region: Rect): void {
  if (wants.length === 0 || region.height < 3) return;
  const maxColumns = Math.max(1, Math.floor(region.width / MODULE_MIN_WIDTH));
  // As few columns as hold everything with every detail line, so panels stay wide; but rather
  // than another column narrower than MODULE_READABLE_WIDTH, three lines each; one-line panels
  // in every column last.
  let choice: { columns: number; cap: number } | undefined;
  for (let c = 1; c <= maxColumns && !choice; c++) {
    const nextTooNarrow = c === maxColumns || region.width / (c + 1) < MODULE_READABLE_WIDTH;
    if (fits(wants, region.height, c, Infinity)) choice = { columns: c, cap: Infinity };
    else if (nextTooNarrow && fits(wants, region.height, c, 3)) choice = { columns: c, cap: 3 };
  }
  if (!choice && fits(wants, region.height, maxColumns, 1)) choice = { columns: maxColumns, cap: 1 };
  if (choice) {
    const { columns, cap } = choice;
    const colLeft = (c: number) => region.left + c * Math.floor(region.width / columns);
    const colWidth = (c: number) => (c === columns - 1 ? region.left + region.width - colLeft(c) : Math.floor(region.width / columns));
    let col = 0;
    let used = 0;
    layout.modules = wants.map((want) => {
      const lines = Math.max(1, Math.min(cap, want.lines));
      if (used + lines + 2 > region.height) {
        col++;
        used = 0;
      }
      const placed = { id: want.id, rect: { left: colLeft(col), top: region.top + used, width: colWidth(col), height: lines + 2 }, lines };
      used += lines + 2;
      return placed;
    });
    return;
  }
  // Not even a panel of one line each: one panel lists them all, a line each (or side by side).
  layout.modules = [];
  layout.more = { rect: region, ids: wants.map((w) => w.id) };
}

/** Whether panels of `cap` lines at most fit in `columns` columns of `height` rows. */
function fits(wants: ModuleWant[], height: number, columns: number, cap: number): boolean {
  let col = 0;
  let used = 0;
  for (const w of wants) {
    const h = Math.max(1, Math.min(cap, w.lines)) + 2;
    if (used + h > height) {
      col++;
      used = 0;
    }
    if (col >= columns || h > height) return false;
    used += h;
  }
  return true;
}
