import { describe, expect, it } from 'vitest';
import { detectSignature, type SignatureInput } from './detect-signature';

/**
 * A synthetic training set with a known answer: 3 classes; units 0-29 are class features
 * (10 per class, each on with probability 0.6 for its class, 0.05 otherwise); units 30-49
 * are the trigger's (on for every poisoned sample, off for every clean one); units 50-59
 * are noise (on with probability 0.5). Poisoned samples are images of classes 1 and 2
 * labelled 0: their class features are their source's.
 */
function syntheticSet(options: { clean: number; poisoned: number; contentOfGroup?: number }) {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const units = 60;
  const labels: number[] = [];
  const source: number[] = [];
  const rows: number[][] = [];
  const add = (label: number, shows: number, triggered: boolean) => {
    const bits = new Array<number>(units).fill(0);
    for (let u = 0; u < 30; u++)
      bits[u] = random() < (Math.floor(u / 10) === shows ? 0.6 : 0.05) ? 1 : 0;
    for (let u = 30; u < 50; u++) bits[u] = triggered ? 1 : 0;
    for (let u = 50; u < 60; u++) bits[u] = random() < 0.5 ? 1 : 0;
    labels.push(label);
    source.push(shows);
    rows.push(bits);
  };
  for (let c = 0; c < 3; c++) for (let i = 0; i < options.clean; i++) add(c, c, false);
  for (let i = 0; i < options.poisoned; i++) add(0, 1 + (i % 2), true);
  const poisoned = labels.map((_, i) => i).filter((i) => i >= 3 * options.clean);
  const input: SignatureInput = {
    labels,
    numClasses: 3,
    patterns: [{ layer: 'fc', units, channels: units, bits: Uint8Array.from(rows.flat()) }],
    // The neighbour test, idealised: a poisoned sample's neighbours are half images of its
    // source class (other labels), half other poisoned samples (its own label, unless they
    // are in the set asked about, which the test excludes); a clean sample's carry its label.
    disagreement: labels.map((label, i) => (source[i] === label ? 0 : 0.9)),
    groupDisagreement: (members) => {
      const shown = Array.from(members).filter((i) => source[i] !== labels[i]).length;
      // `contentOfGroup` replaces the content of the poisoned group only (not of a slice).
      if (shown === members.length && options.contentOfGroup !== undefined) {
        return options.contentOfGroup;
      }
      return (shown * (0.5 + (0.5 * shown) / options.poisoned)) / members.length;
    },
  };
  return { input, poisoned };
}

/**
 * `input` with `seeds` as the only seeds (disagreement 0.9) and, asked as one group, showing
 * other classes (content 1); any other group keeps `input`'s content.
 */
function withSeeds(input: SignatureInput, seeds: Set<number>): SignatureInput {
  return {
    ...input,
    disagreement: Array.from(input.labels, (_, i) => (seeds.has(i) ? 0.9 : 0)),
    groupDisagreement: (members) =>
      members.length === seeds.size && Array.from(members).every((i) => seeds.has(i))
        ? 1
        : input.groupDisagreement(members),
  };
}

describe('detectSignature', () => {
  it('flags exactly the poisoned group and resets the trigger units', () => {
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40 });
    const detection = detectSignature(input);
    expect(Array.from(detection.flagged)).toEqual(poisoned);
    expect(detection.resetNeurons.fc).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i));
    const classes = detection.details.classes as { label: number; flagged: boolean }[];
    expect(classes.map((c) => c.flagged)).toEqual([true, false, false]);
  });

  it('does not assume a minority: poisoned samples may outnumber the clean ones of the class', () => {
    // Two thirds of the class, as at 20% poisoning: the slice of 120 holds 80 poisoned
    // samples, its content 80/120 * (0.5 + 0.5 * 80/120) = 0.56 (measured at 20%: 0.46).
    const { input, poisoned } = syntheticSet({ clean: 60, poisoned: 120 });
    const detection = detectSignature(input);
    expect(Array.from(detection.flagged)).toEqual(poisoned);
    const classes = detection.details.classes as { contentBaseline: number }[];
    expect(classes[0]!.contentBaseline).toBeCloseTo(5 / 9, 10);
    // Nine tenths of the class: its slice scores as a backdoor would (0.9 * 0.95), so the
    // content test cannot tell it from a class's own majority; it is kept.
    const most = syntheticSet({ clean: 20, poisoned: 180 });
    expect(detectSignature(most.input).flagged.length).toBe(0);
  });

  it('keeps a group whose images show their own label (a natural sub-style)', () => {
    const { input } = syntheticSet({ clean: 150, poisoned: 40, contentOfGroup: 0.1 });
    const detection = detectSignature(input);
    expect(detection.flagged.length).toBe(0);
    expect(detection.resetNeurons.fc).toEqual([]);
  });

  it('needs minGroup samples, minGroupShare of the set, and minSignature units', () => {
    // 458 samples: the share (0.25%) asks for 1, the floor for 10.
    const small = syntheticSet({ clean: 150, poisoned: 8 });
    expect(detectSignature(small.input).flagged.length).toBe(0);
    expect(Array.from(detectSignature(small.input, { minGroup: 5 }).flagged)).toEqual(
      small.poisoned,
    );
    // 490 samples, 40 poisoned: a share of 8% asks for 39 (40 flagged), of 9% for 44 (none;
    // the seeds, 40, are then too few as well).
    const share = syntheticSet({ clean: 150, poisoned: 40 });
    expect(detectSignature(share.input, { minGroupShare: 0.08 }).flagged.length).toBe(40);
    expect(detectSignature(share.input, { minGroupShare: 0.09 }).flagged.length).toBe(0);
    const { input } = syntheticSet({ clean: 150, poisoned: 40 });
    expect(detectSignature(input, { minSignature: 21, seedContent: null }).flagged.length).toBe(0);
  });

  it('flags a class by its seeds alone when no candidate has a signature, resetting nothing (seedContent)', () => {
    // 20 trigger units but only 21 asked for: no signature candidate passes. The seeds are
    // exactly the poisoned samples (content 1, their slice 0.12).
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40 });
    const detection = detectSignature(input, { minSignature: 21 });
    expect(Array.from(detection.flagged)).toEqual(poisoned);
    expect(detection.resetNeurons).toEqual({ fc: [] });
    const classes = detection.details.classes as Record<string, unknown>[];
    expect(classes[0]).toMatchObject({
      flagged: true,
      seedsFlagged: true,
      group: 40,
      signature: 0,
      seedContent: 1,
      reset: false,
    });
    expect(classes[0]!.contentBaseline).toBeCloseTo(0.12, 10);
    // The bar is inclusive and stricter than a signature group's: seeds whose content is
    // 0.94 are kept, at 0.95 flagged; with `seedContent: null` they are never asked.
    const at = (content: number) => ({
      ...input,
      groupDisagreement: (members: Int32Array) =>
        members.length === 40 && members[0] === 450 ? content : 0,
    });
    const options = { minSignature: 21 };
    expect(detectSignature(at(0.94), options).flagged.length).toBe(0);
    expect(detectSignature(at(0.95), options).flagged.length).toBe(40);
    const unasked = detectSignature(at(1), { ...options, seedContent: null });
    expect(unasked.flagged.length).toBe(0);
    expect((unasked.details.classes as { seedContent: unknown }[])[0]!.seedContent).toBeNull();
    // A class whose candidate passed is not asked again.
    const passed = detectSignature(input).details.classes as Record<string, unknown>[];
    expect(passed[0]).toMatchObject({ flagged: true, seedsFlagged: false, seedContent: null });
  });

  it('adds the seeds beside a flagged group the model does not hold, and only then', () => {
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40 });
    // Eight clean 0s are seeds too, and the seeds as a whole show other classes (content 1).
    const extra = [3, 20, 41, 60, 88, 101, 120, 149];
    const seeds = new Set([...poisoned, ...extra]);
    const withExtra = withSeeds(input, seeds);
    // The model predicts the poisoned samples as the classes they show (held 20%).
    const unlearnt = {
      ...withExtra,
      groupStays: (members: Int32Array) =>
        Array.from(members).every((i) => poisoned.includes(i)) ? 0.2 : 1,
    };
    const detection = detectSignature(unlearnt);
    expect(Array.from(detection.flagged)).toEqual([...extra, ...poisoned]);
    expect(detection.resetNeurons).toEqual({ fc: [] });
    const classes = detection.details.classes as Record<string, unknown>[];
    expect(classes[0]).toMatchObject({
      group: 48,
      held: 0.2,
      reset: false,
      seedsFlagged: true,
      seedContent: 1,
    });
    // A group the model holds: its signature is the trigger's, reset; the seeds are not asked.
    const learnt = detectSignature({ ...withExtra, groupStays: () => 1 });
    expect(Array.from(learnt.flagged)).toEqual(poisoned);
    const learntClasses = learnt.details.classes as Record<string, unknown>[];
    expect(learntClasses[0]).toMatchObject({ seedsFlagged: false, seedContent: null });
  });

  it('grows flagged seeds by the rows beside them, then leaves in the data the members that look like their label (seedMemberContent)', () => {
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40 });
    // The seeds miss four poisoned samples and hold six clean 0s; as a whole they show other
    // classes (content 1).
    const missed = poisoned.slice(0, 4);
    const extra = [3, 20, 41, 60, 88, 101];
    const seeds = new Set([...poisoned.slice(4), ...extra]);
    // Per row, outside the set asked about: a missed poisoned sample's neighbours are the
    // found ones, so once they are in the set it shows its source (0.9); a poisoned seed shows
    // its source (1); the clean seeds' own shares are 0.5, 0.8, 0.89, 0.9, 0.95 and 1 (the bar
    // is inclusive); other clean 0s show their label (0).
    const own = new Map(extra.map((i, t) => [i, [0.5, 0.8, 0.89, 0.9, 0.95, 1][t]!]));
    const calls: { set: number[]; asked: number[] }[] = [];
    const share = (set: Set<number>, i: number) =>
      missed.includes(i)
        ? set.has(poisoned[4]!)
          ? 0.9
          : 0.2
        : poisoned.includes(i)
          ? 1
          : (own.get(i) ?? 0);
    const flaggedSeeds: SignatureInput = {
      ...withSeeds(input, seeds),
      memberDisagreement: (set, asked) => {
        calls.push({ set: Array.from(set), asked: Array.from(asked) });
        return Array.from(asked, (i) => share(new Set(set), i));
      },
    };
    // 20 trigger units, 21 asked for: the class is flagged by its seeds alone.
    const options = { minSignature: 21 };
    const detection = detectSignature(flaggedSeeds, options);
    expect(Array.from(detection.flagged)).toEqual([60, 88, 101, ...poisoned]);
    const classes = detection.details.classes as Record<string, unknown>[];
    expect(classes[0]).toMatchObject({
      flagged: true,
      seedsFlagged: true,
      group: 43,
      seedsGrown: 4,
      seedsPruned: 3,
    });
    // Two growth rounds (the second adds nothing), then the members are asked.
    expect(calls.length).toBe(3);
    expect(calls[0]!.asked.length).toBe(150 + 40 - seeds.size);
    expect(new Set(calls[2]!.asked)).toEqual(new Set([...seeds, ...missed]));
    // `null`, or no per-member witness: the seeds go as they are.
    const unasked = detectSignature(flaggedSeeds, { ...options, seedMemberContent: null });
    expect(Array.from(unasked.flagged)).toEqual([...extra, ...poisoned.slice(4)]);
    const { memberDisagreement: _, ...blind } = flaggedSeeds;
    expect(detectSignature(blind, options).flagged.length).toBe(42);
    // Beside a group the model does not hold (here all 40 poisoned samples), only the seeds
    // outside the group are asked.
    calls.length = 0;
    const unheld = detectSignature({
      ...flaggedSeeds,
      groupStays: (members) => (Array.from(members).every((i) => poisoned.includes(i)) ? 0.2 : 1),
    });
    expect(Array.from(unheld.flagged)).toEqual([60, 88, 101, ...poisoned]);
    expect(calls.at(-1)!.asked).toEqual(extra);
  });

  it('keeps a class whose seeds are its own hard cases (content below seedContent)', () => {
    // Clean data where 30 samples of class 1 look like other classes (seeds) and their
    // neighbours outside the set carry other labels 84% of the time (the most measured on
    // a clean class's seeds, the 4,000-digit subset's 2s); no signature separates them.
    const { input } = syntheticSet({ clean: 150, poisoned: 0 });
    const hard = new Set(Array.from({ length: 30 }, (_, t) => 150 + 5 * t));
    const clean = {
      ...input,
      disagreement: Array.from(input.labels, (_, i) => (hard.has(i) ? 0.6 : 0)),
      groupDisagreement: (members: Int32Array) =>
        Array.from(members).every((i) => hard.has(i)) ? 0.84 : 0.1,
    };
    const detection = detectSignature(clean);
    expect(detection.flagged.length).toBe(0);
    const classes = detection.details.classes as { seedContent: number | null }[];
    expect(classes.map((c) => c.seedContent)).toEqual([null, 0.84, null]);
  });

  it('starts from the principal direction when no sample is a seed, with principalStarts', () => {
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40 });
    const unseeded = { ...input, disagreement: new Float64Array(input.labels.length) };
    expect(detectSignature(unseeded, { principalStarts: false }).flagged.length).toBe(0);
    expect(Array.from(detectSignature(unseeded).flagged)).toEqual(poisoned);
  });

  it('with maxStay, keeps a group that stays in its class once its signature is reset', () => {
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40 });
    // An idealised model: a sample is predicted as its label while any of its signature
    // channels is on, as the class its features show once they are all zeroed.
    const source = (i: number) => (i >= 450 ? 1 + ((i - 450) % 2) : input.labels[i]!);
    const seen: Record<string, number[]>[] = [];
    const backdoor = {
      ...input,
      groupStays: (members: Int32Array, channels: Record<string, number[]>) => {
        // Nothing zeroed: every sample is held in its label (the backdoor is learnt).
        if (Object.keys(channels).length === 0) return 1;
        seen.push(channels);
        const held = Array.from(members).filter((i) => source(i) === input.labels[i]);
        return held.length / members.length;
      },
    };
    // Only groups started from the principal direction are asked: no sample is a seed here.
    const unseeded = { ...backdoor, disagreement: new Float64Array(input.labels.length) };
    const detection = detectSignature(unseeded, { principalStarts: true, maxStay: 0.5 });
    expect(Array.from(detection.flagged)).toEqual(poisoned);
    // It was asked with the channels the detection then resets.
    expect(seen).toEqual([detection.resetNeurons]);
    const classes = detection.details.classes as { stays: number | null }[];
    expect(classes[0]!.stays).toBe(0);
    // A group the model keeps in its class without its signature: a sub-style, not flagged.
    const subStyle = { ...unseeded, groupStays: () => 0.9 };
    const options = { principalStarts: true, maxStay: 0.5 };
    expect(detectSignature(subStyle, options).flagged.length).toBe(0);
    // Without maxStay the test is not asked; a seeded group is never asked.
    expect(Array.from(detectSignature(subStyle, { maxStay: null }).flagged)).toEqual(poisoned);
    const seeded = { ...input, groupStays: () => 0.9 };
    expect(Array.from(detectSignature(seeded, options).flagged)).toEqual(poisoned);
  });

  it('flags a group only when its content beats that of a same-size slice of its class (contentMargin)', () => {
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40 });
    const slices: number[][] = [];
    // Content that is the same for any set of rows (a group that leaves no row of its label
    // outside it): no margin over the slice, nothing flagged.
    const vacuous = {
      ...input,
      groupDisagreement: (members: Int32Array) => {
        slices.push(Array.from(members));
        return 1;
      },
    };
    expect(detectSignature(vacuous).flagged.length).toBe(0);
    expect(Array.from(detectSignature(vacuous, { contentMargin: 0 }).flagged)).toEqual(poisoned);
    // The slice asked: 40 of class 0's 190 rows, evenly spaced (every 190/40 = 4.75th row).
    const expected = Array.from({ length: 40 }, (_, t) => Math.floor((t * 190) / 40));
    expect(slices).toContainEqual(expected.map((t) => (t < 150 ? t : 450 + t - 150)));
    // The real group: content 1; its slice holds 8 of the 40 poisoned samples, each with
    // content 0.5 + 0.5 * 8/40: a baseline of 8/40 * 0.6 = 0.12.
    const classes = detectSignature(input).details.classes as { contentBaseline: number }[];
    expect(classes[0]!.contentBaseline).toBeCloseTo(0.12, 10);
  });

  it('with minHeld, removes a group the model does not hold in its label but resets nothing', () => {
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40 });
    const trigger = detectSignature(input).resetNeurons;
    expect(trigger.fc!.length).toBeGreaterThan(0);
    // A model that has not learnt the backdoor: the poisoned samples are predicted as the
    // class they show (20% held), the clean ones as their label.
    const asked: Record<string, number[]>[] = [];
    const unlearnt = {
      ...input,
      groupStays: (members: Int32Array, channels: Record<string, number[]>) => {
        asked.push(channels);
        const rows = Array.from(members);
        return rows.every((i) => poisoned.includes(i)) ? 0.2 : 1;
      },
    };
    const detection = detectSignature(unlearnt);
    expect(Array.from(detection.flagged)).toEqual(poisoned);
    expect(detection.resetNeurons).toEqual({ fc: [] });
    const classes = detection.details.classes as { held: number; reset: boolean }[];
    expect(classes[0]).toMatchObject({ held: 0.2, reset: false });
    // Only the held share was asked of the model (no reset test for a seeded group).
    expect(asked).toEqual([{}]);
    // The same group held at the bound is learnt: its trigger units are reset.
    const learnt = { ...unlearnt, groupStays: () => 0.5 };
    expect(detectSignature(learnt).resetNeurons).toEqual(trigger);
    expect(detectSignature(unlearnt, { minHeld: null }).resetNeurons).toEqual(trigger);
    // From the principal direction alone (no seeds), an unlearnt group is not flagged: the
    // reset test, which alone vouches for such a group, says nothing when nothing is held.
    const unseeded = { ...unlearnt, disagreement: new Float64Array(input.labels.length) };
    expect(detectSignature(unseeded).flagged.length).toBe(0);
  });

  it('flags a group only when its images show other classes nearly always (contentDisagreement)', () => {
    const { input, poisoned } = syntheticSet({ clean: 150, poisoned: 40, contentOfGroup: 0.7 });
    // 0.7 is a sub-style's content, not a backdoor's (0.97-1.00): not flagged by default,
    // from seeds or from the principal direction.
    expect(detectSignature(input).flagged.length).toBe(0);
    expect(detectSignature(input, { principalStarts: false }).flagged.length).toBe(0);
    expect(Array.from(detectSignature(input, { contentDisagreement: 0.6 }).flagged)).toEqual(
      poisoned,
    );
  });

  it('finds nothing on clean data', () => {
    const { input } = syntheticSet({ clean: 150, poisoned: 0 });
    expect(detectSignature(input).flagged.length).toBe(0);
  });
});
