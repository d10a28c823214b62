import path from 'node:path';
import { expectToMatchGolden } from '../testing/golden';
import { DEMO_TIMINGS, FAST_TIMINGS, renderStages } from '.';

describe('renderStages', () => {
  it.each([
    ['fast', FAST_TIMINGS],
    ['demo', DEMO_TIMINGS],
  ])('renders the %s stages as in the golden file', (name, timings) => {
    expectToMatchGolden(
      renderStages(timings),
      path.join(__dirname, '__testdata__', `stages-${name}.yaml`),
    );
  });

  it('gives every stage a unique name and jitter no shorter than its delay', () => {
    const stages = renderStages(DEMO_TIMINGS);
    expect(new Set(stages.map(s => s.metadata.name)).size).toBe(stages.length);
    const delays = stages.flatMap(s => (s.spec.delay ? [s.spec.delay] : []));
    expect(delays.length).toBeGreaterThan(0);
    for (const delay of delays) {
      expect(delay.jitterDurationMilliseconds).toBeGreaterThanOrEqual(
        delay.durationMilliseconds,
      );
    }
  });

  it('leaves objects that the stand-in operator reconciles to it', () => {
    const hypershift = renderStages(FAST_TIMINGS).filter(s =>
      s.spec.resourceRef.apiGroup.startsWith('hypershift.openshift.io'),
    );
    expect(hypershift.length).toBeGreaterThan(0);
    for (const s of hypershift) {
      expect(JSON.stringify(s.spec.selector)).toContain('hostplane.io/standin');
    }
  });
});
