import { OWNER_LABEL } from '@hostplane/plugin-hostplane-common';
import { StringPool } from './StringPool';

describe('StringPool', () => {
  it('pools every repeated value of parsed objects but uid and resourceVersion, changing no value', () => {
    const pool = new StringPool();
    const parse = () =>
      JSON.parse(
        JSON.stringify({
          metadata: {
            name: 'cluster-00001',
            uid: 'b1c7d3c2-58f4-4a44-9d0b-2f3a2b9a7c11',
            resourceVersion: '1234567',
            labels: { [OWNER_LABEL]: 'team-001' },
          },
          status: {
            conditions: [
              {
                type: 'Available',
                status: 'True',
                message: 'The hosted control plane is available',
                observedGeneration: 1,
              },
            ],
            version: { history: [['v1.37.2', null, true]] },
          },
        }),
      );
    const first = parse();
    const expected = parse();
    expect(pool.internAll(first)).toBe(first);
    expect(first).toEqual(expected);
    const second = pool.internAll(parse());
    expect(second).toEqual(expected);
    // 'Available', the message, 'True', the name, the label, 'v1.37.2': uid and resourceVersion
    // are unique to each object and stay out of the pool.
    expect(pool.size).toBe(6);
  });

  it('starts over when full, so that it cannot grow without end', () => {
    const pool = new StringPool(3);
    ['a', 'b', 'c'].forEach(value => pool.intern(value));
    expect(pool.size).toBe(3);
    expect(pool.intern('d')).toBe('d');
    expect(pool.size).toBe(1);
  });
});
