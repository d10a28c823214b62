import { z } from 'zod';
import { describeFieldIssues, fieldIssuesOf } from './errors';

const pools = z.strictObject({
  nodePools: z.array(
    z.strictObject({ replicas: z.number().min(0, 'at least 0') }),
  ),
});

function errorOf(body: unknown): z.ZodError {
  const result = pools.safeParse(body);
  if (result.success) throw new Error('expected the body to be refused');
  return result.error;
}

describe('fieldIssuesOf', () => {
  it('gives each issue its field path, after the prefix', () => {
    expect(
      fieldIssuesOf(errorOf({ nodePools: [{ replicas: -1 }] }), ['spec']),
    ).toEqual([
      { path: ['spec', 'nodePools', 0, 'replicas'], message: 'at least 0' },
    ]);
  });

  it('names each unknown field itself, not its parent', () => {
    expect(
      fieldIssuesOf(errorOf({ nodePools: [{ replicas: 1, size: 2, gpu: 1 }] })),
    ).toEqual([
      { path: ['nodePools', 0, 'size'], message: "unknown field 'size'" },
      { path: ['nodePools', 0, 'gpu'], message: "unknown field 'gpu'" },
    ]);
  });
});

describe('describeFieldIssues', () => {
  it('puts each issue after its path, and one without a path alone', () => {
    expect(
      describeFieldIssues([
        { path: ['nodePools', 0, 'replicas'], message: 'at least 0' },
        { path: [], message: 'the body is not valid JSON' },
      ]),
    ).toBe('nodePools.0.replicas: at least 0; the body is not valid JSON');
  });
});
