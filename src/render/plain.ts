/** Plain text: no colour, no markup; control characters stripped. */
import { fitSegments, segmentLabel, separatorOf, type RenderOptions, type Segment } from './segments.js';
import { stripControl } from './sanitize.js';

export function renderPlain(segments: Segment[], opts: RenderOptions): string {
  return fitSegments(segments, opts)
    .segments.map((seg) => stripControl(segmentLabel(seg, opts)))
    .join(stripControl(separatorOf(opts)));
}
