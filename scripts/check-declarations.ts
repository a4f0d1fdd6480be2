// The shipped declarations show only the public surface: every name a .d.ts under the given folder exports must be
// exported by an entry point (src/index, mocks/index) or used by another declaration file (a type the public ones
// refer to). An internal helper left out of `/** @internal */` (tsconfig.build.json strips those) fails this check.
//
// Usage: node scripts/check-declarations.ts <dist folder>
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2] ?? 'dist';
const files = (readdirSync(root, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.d.ts'))
  .map((file) => join(root, file));
const texts = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));

/** Names some declaration file imports or re-exports from another (`{ A, B as C }`, `import("./x").A`). */
const used = new Set<string>();
for (const text of texts.values()) {
  for (const [, list] of text.matchAll(/(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from/g)) {
    for (const item of list!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name) used.add(name);
    }
  }
  for (const [, name] of text.matchAll(/import\("[^"]+"\)\.(\w+)/g)) used.add(name!);
}

const leaks: string[] = [];
for (const [file, text] of texts) {
  const declared = text.matchAll(
    /^export (?:declare )?(?:abstract )?(?:const|let|function|class|interface|type|enum|namespace) (\w+)/gm,
  );
  for (const [, name] of declared) {
    // Used by another declaration in the same file (a public function's parameter type, say) counts as used.
    const mentions = text.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
    if (!used.has(name!) && mentions < 2) leaks.push(`${relative(root, file)}: ${name}`);
  }
}
if (leaks.length > 0) {
  console.error(
    `Internal names in the shipped declarations (mark them /** @internal */):\n  ${leaks.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`declarations: ${texts.size} files, only public names`);
