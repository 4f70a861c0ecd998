import { describe, expect, it } from 'vitest';
import { cloneDataset, randomDataset } from './_test-helpers';
import { ATTACK_TYPES, type AttackConfig, applyAttack, resolveAttackConfig } from './attack-config';
import { AttackError } from './errors';
import { applyBadNets } from './triggers/badnets';
import { applyBlend } from './triggers/blend';
import { applyDynamicPatch } from './triggers/dynamic-patch';
import { applyFilter } from './triggers/filter';
import { applyPixelTrigger } from './triggers/pixel';
import { applySig } from './triggers/sig';
import { applyWanet } from './triggers/wanet';
import { applyWatermark } from './triggers/watermark';

describe('resolveAttackConfig', () => {
  it('fills every default', () => {
    expect(resolveAttackConfig({ type: 'badnets' })).toEqual({
      type: 'badnets',
      labelMode: 'all-to-one',
      target: 0,
      cleanLabel: false,
      size: 3,
      position: 'bottom-right',
      margin: 0,
      color: 1,
      pattern: 'solid',
    });
    expect(resolveAttackConfig({ type: 'wanet', target: 2, k: 8 })).toEqual({
      type: 'wanet',
      labelMode: 'all-to-one',
      target: 2,
      cleanLabel: false,
      k: 8,
      strength: 0.5,
      gridRescale: 1,
      patternSeed: 0,
      crossRatio: 2,
    });
  });

  it('copies a given image into plain JSON data', () => {
    const resolved = resolveAttackConfig({
      type: 'blend',
      image: { data: new Float32Array([0.5, 1]), height: 1, width: 2, channels: 1 },
    });
    expect(resolved).toMatchObject({ image: { data: [0.5, 1], height: 1, width: 2, channels: 1 } });
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });

  it('rejects unknown types and options, and clean-label with a label-specific map', () => {
    expect(() => resolveAttackConfig({ type: 'trojannn' } as never)).toThrow(
      "resolveAttackConfig: attack.type must be one of 'badnets', 'pixel', 'dynamic-patch', 'blend', 'watermark', 'sig', 'wanet', 'filter', got \"trojannn\"",
    );
    expect(() => resolveAttackConfig({ type: 'sig', sise: 3 } as never)).toThrow(
      "unknown option 'sise' for attack type 'sig'",
    );
    expect(() =>
      resolveAttackConfig({ type: 'sig', cleanLabel: true, labelMode: 'label-specific' }),
    ).toThrow("attack.cleanLabel needs labelMode 'all-to-one', got 'label-specific'");
    expect(() => resolveAttackConfig({ type: 'sig', target: -1 })).toThrow(AttackError);
  });
});

describe('applyAttack', () => {
  const ds = randomDataset(3, 8, 8, 3);
  const cases: [AttackConfig, (b: typeof ds) => { images: Float32Array }][] = [
    [{ type: 'badnets', size: 2 }, (b) => applyBadNets(b, { size: 2 })],
    [{ type: 'pixel' }, (b) => applyPixelTrigger(b)],
    [{ type: 'dynamic-patch' }, (b) => applyDynamicPatch(b, {}, { seed: 4 })],
    [{ type: 'blend', alpha: 0.1 }, (b) => applyBlend(b, { alpha: 0.1 })],
    [{ type: 'watermark' }, (b) => applyWatermark(b)],
    [{ type: 'sig' }, (b) => applySig(b)],
    [{ type: 'wanet' }, (b) => applyWanet(b)],
    [{ type: 'filter', filter: 'gotham' }, (b) => applyFilter(b, { filter: 'gotham' })],
  ];

  it('covers every attack type', () => {
    expect(cases.map(([a]) => a.type).sort()).toEqual([...ATTACK_TYPES].sort());
  });

  it.each(cases)('applies %o like its trigger function', (attack, direct) => {
    const copy = cloneDataset(ds);
    const out = applyAttack(ds, attack, { seed: 4 });
    expect(out.images).toEqual(direct(ds).images);
    expect(out.images).not.toEqual(ds.images);
    expect(ds).toEqual(copy);
  });
});
