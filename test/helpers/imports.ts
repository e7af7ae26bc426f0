/**
 * The imports of a TypeScript file, found with TypeScript's own scanner (typescript 7 exposes
 * it as typescript/unstable/ast/scanner), so that comments, strings, template literals and
 * regular expressions never pass for an import or hide one.
 *
 * A scanner sees tokens, not grammar, and two tokens depend on what came before: a `/` starts a
 * regular expression or is a division, and a `}` closes a block or continues a template literal.
 * Both are decided here the way TypeScript's parser does, from the previous token and a stack of
 * open braces.
 */
import { SyntaxKind } from 'typescript/unstable/ast';
import { createScanner } from 'typescript/unstable/ast/scanner';

export type ImportKind = 'import' | 'import type' | 'export from' | 'import()';

export interface ImportRef {
  /** The module specifier as written: './x.js', 'node:fs', 'yaml'. */
  specifier: string;
  kind: ImportKind;
  /** 1-based line of the `import` or `export` keyword. */
  line: number;
}

interface Token {
  kind: SyntaxKind;
  /** A string literal's value; the token's text otherwise. */
  value: string;
  start: number;
}

/** Tokens after which a `/` divides; after anything else it starts a regular expression. */
const ENDS_EXPRESSION = new Set<SyntaxKind>([
  SyntaxKind.NumericLiteral,
  SyntaxKind.BigIntLiteral,
  SyntaxKind.StringLiteral,
  SyntaxKind.RegularExpressionLiteral,
  SyntaxKind.NoSubstitutionTemplateLiteral,
  SyntaxKind.TemplateTail,
  SyntaxKind.CloseParenToken,
  SyntaxKind.CloseBracketToken,
  SyntaxKind.CloseBraceToken,
  SyntaxKind.PlusPlusToken,
  SyntaxKind.MinusMinusToken,
  SyntaxKind.ThisKeyword,
  SyntaxKind.SuperKeyword,
  SyntaxKind.TrueKeyword,
  SyntaxKind.FalseKeyword,
  SyntaxKind.NullKeyword,
]);

function tokenize(text: string): Token[] {
  const scanner = createScanner(true, undefined, text);
  const tokens: Token[] = [];
  // For each open `{`: whether it is a template literal's `${` (its `}` continues the template).
  const braces: boolean[] = [];
  let previousEndsExpression = false;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EndOfFile; kind = scanner.scan()) {
    if ((kind === SyntaxKind.SlashToken || kind === SyntaxKind.SlashEqualsToken) && !previousEndsExpression) kind = scanner.reScanSlashToken();
    if (kind === SyntaxKind.TemplateHead || kind === SyntaxKind.OpenBraceToken) braces.push(kind === SyntaxKind.TemplateHead);
    else if (kind === SyntaxKind.CloseBraceToken) {
      if (braces.at(-1) === true) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === SyntaxKind.TemplateTail) braces.pop();
      } else braces.pop();
    }
    const isString = kind === SyntaxKind.StringLiteral || kind === SyntaxKind.NoSubstitutionTemplateLiteral;
    tokens.push({ kind, value: isString ? scanner.getTokenValue() : scanner.getTokenText(), start: scanner.getTokenStart() });
    previousEndsExpression = ENDS_EXPRESSION.has(kind) || scanner.isIdentifier();
  }
  return tokens;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Every module a file imports: `import ... from`, `import '...'`, `import type`, `export ... from`,
 * and `import('...')` with a literal specifier (also in a type: `typeof import('./x.js')`).
 * An `import(expression)` names no module this file can know, and is left out.
 */
export function importsOf(text: string): ImportRef[] {
  const tokens = tokenize(text);
  const found: ImportRef[] = [];
  const at = (i: number): Token | undefined => tokens[i];
  const isSpecifier = (t: Token | undefined) => t !== undefined && (t.kind === SyntaxKind.StringLiteral || t.kind === SyntaxKind.NoSubstitutionTemplateLiteral);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== SyntaxKind.ImportKeyword && t.kind !== SyntaxKind.ExportKeyword) continue;
    if (at(i - 1)?.kind === SyntaxKind.DotToken) continue; // a property named import
    const line = lineAt(text, t.start);
    const next = at(i + 1);
    if (t.kind === SyntaxKind.ImportKeyword && next?.kind === SyntaxKind.OpenParenToken) {
      const spec = at(i + 2);
      if (isSpecifier(spec) && at(i + 3)?.kind === SyntaxKind.CloseParenToken) found.push({ specifier: spec!.value, kind: 'import()', line });
      continue;
    }
    if (t.kind === SyntaxKind.ImportKeyword && next?.kind === SyntaxKind.DotToken) continue; // import.meta
    if (t.kind === SyntaxKind.ImportKeyword && isSpecifier(next)) {
      found.push({ specifier: next!.value, kind: 'import', line }); // import './side-effect.js'
      continue;
    }
    // `export` re-exports only when a list or `*` follows (else it exports a declaration).
    let j = i + 1;
    if (at(j)?.kind === SyntaxKind.TypeKeyword) j++;
    if (t.kind === SyntaxKind.ExportKeyword && at(j)?.kind !== SyntaxKind.OpenBraceToken && at(j)?.kind !== SyntaxKind.AsteriskToken) continue;
    // The clause ends at `from '...'`; a `;` or `=` first (import x = require(...)) means none.
    for (; j < tokens.length; j++) {
      const kind = tokens[j].kind;
      if (kind === SyntaxKind.SemicolonToken || kind === SyntaxKind.EqualsToken) break;
      if (kind === SyntaxKind.FromKeyword && isSpecifier(at(j + 1))) {
        const typeOnly = next?.kind === SyntaxKind.TypeKeyword && at(i + 2)?.kind !== SyntaxKind.FromKeyword;
        const kindOf: ImportKind = t.kind === SyntaxKind.ExportKeyword ? 'export from' : typeOnly ? 'import type' : 'import';
        found.push({ specifier: at(j + 1)!.value, kind: kindOf, line });
        break;
      }
    }
  }
  return found;
}
