import { describe, expect, it } from 'vitest';
import { randomDataset, toUint8 } from './_test-helpers';
import { ATTACK_TYPES } from './attack-config';
import { attackTestSet } from './attack-test-set';
import { renderTriggerExamples } from './trigger-examples';
import { createWatermarkTrigger } from './triggers/watermark';

const ds = randomDataset(30, 12, 10, 3, 3, 5);

describe('renderTriggerExamples', () => {
  it.each(ATTACK_TYPES)('renders clean, triggered, mask and difference for %s', (type) => {
    const examples = renderTriggerExamples(ds, { type }, { count: 2 });
    expect(examples).toHaveLength(2);
    for (const e of examples) {
      expect(e.label).not.toBe(0);
      expect(e.targetLabel).toBe(0);
      expect([e.height, e.width, e.channels]).toEqual([12, 10, 3]);
      expect(e.clean).toEqual(ds.images.subarray(e.index * 360, (e.index + 1) * 360));
      expect(e.triggered).not.toEqual(e.clean);
      expect(e.difference.some((d) => d > 0)).toBe(true);
      const masked = ['badnets', 'pixel', 'dynamic-patch', 'blend', 'watermark'].includes(type);
      expect(e.mask === null).toBe(!masked);
    }
  });

  it('matches the triggered test set and the exposed mask', () => {
    const [e] = renderTriggerExamples(ds, { type: 'watermark' }, { indices: [7] });
    const { dataset, sourceIndices } = attackTestSet(ds, {
      type: 'watermark',
      labelMode: 'label-specific',
    });
    const k = [...sourceIndices].indexOf(7);
    expect(e!.triggered).toEqual(dataset.images.subarray(k * 360, (k + 1) * 360));
    expect(e!.mask).toEqual(createWatermarkTrigger({ height: 12, width: 10, channels: 3 }).mask);
  });

  it('quantises like the dataset for uint8 storage', () => {
    const [e] = renderTriggerExamples(toUint8(ds), { type: 'blend' }, { count: 1 });
    for (const v of e!.triggered)
      expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
  });
});
