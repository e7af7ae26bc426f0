// Writes docs/modules.md from the comment each plugins/<id>/index.ts opens with, so the
// options documented there and in the code cannot drift apart. Run: node scripts/modules-doc.mjs
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = [
  '# Built-in modules',
  '',
  'Generated from the comment at the top of each `plugins/<id>/index.ts` (`node scripts/modules-doc.mjs`).',
  'Every module also takes the host keys `interval`, `timeout`, `priority` and `enabled` (see config.example.yaml).',
  '',
];
for (const id of readdirSync('plugins').sort()) {
  const text = readFileSync(join('plugins', id, 'index.ts'), 'utf8');
  const m = /^\/\*\*([\s\S]*?)\*\//.exec(text);
  if (!m) continue;
  const body = m[1]
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
  out.push(`## ${id}`, '', body, '');
}
writeFileSync('docs/modules.md', out.join('\n'));
