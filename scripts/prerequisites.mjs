// Runs before `npm test` (npm's `pretest`): says at once what the machine lacks, with how to get it, instead of
// letting the suite fail at its last step. Plain JavaScript, so that it runs on whatever Node started it.
import { spawnSync } from 'node:child_process';

const problems = [];

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  problems.push(
    `Node ${process.versions.node} runs the tests, and they need Node >= 22. The \`node\` devDependency provides it: ` +
      'run `npm ci` (with scripts allowed), then `npm test`.',
  );
}

const redis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
if (redis.error || redis.status !== 0) {
  problems.push(
    'redis-server is not on PATH; the clustered-limiter tests (test/scheduler/redis.test.ts) start one on loopback.\n' +
      '    Debian/Ubuntu: sudo apt-get install redis-server\n' +
      '    macOS:         brew install redis',
  );
}

if (problems.length > 0) {
  console.error(`npm test cannot run on this machine yet:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
