import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

async function exitCodeAndOutput(command: string, args: string[]) {
  try {
    await run(command, args, { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: '' };
  } catch (err) {
    const failure = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

describe('static checks', () => {
  it('typechecks under strict TypeScript', async () => {
    const result = await exitCodeAndOutput(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('passes the linter', async () => {
    const result = await exitCodeAndOutput(bin('eslint'), ['--max-warnings=0', '.']);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});
