// Deno and Bun run this file as it is: `deno run … entry.ts URL`, `bun entry.ts URL`. It imports the built package
// by its name, as a user would.
import { createClient } from 'calmfetch';
import { runCalls } from './calls.ts';

const g = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } };
const base = g.Deno ? g.Deno.args[0] : g.process?.argv[2];
console.log(JSON.stringify(await runCalls(createClient, base ?? '')));
