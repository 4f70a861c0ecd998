import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildModel } from './build-model';
import { describeNeurons } from './describe-neurons';

describe('describeNeurons', () => {
  it('finds the hidden layers of the small CNN and how their channels are read', () => {
    const { model, metadata } = buildModel({
      architecture: 'small-cnn',
      inputShape: [28, 28, 1],
      numClasses: 10,
    });
    expect(metadata.neurons).toEqual([
      {
        layer: 'conv1',
        kind: 'conv2d',
        width: 16,
        preActivation: 'conv1',
        postActivation: 'conv1_act',
        consumers: [{ layer: 'conv2', kind: 'conv2d', positionsPerChannel: 1, channels: 16 }],
      },
      {
        layer: 'conv2',
        kind: 'conv2d',
        width: 32,
        preActivation: 'conv2',
        postActivation: 'conv2_act',
        // 28 -> 14 -> 7 after two pools: the dense layer reads 7 x 7 rows per channel.
        consumers: [{ layer: 'fc1', kind: 'dense', positionsPerChannel: 49, channels: 32 }],
      },
      {
        layer: 'fc1',
        kind: 'dense',
        width: 64,
        preActivation: 'fc1',
        postActivation: 'fc1_act',
        consumers: [{ layer: 'logits', kind: 'dense', positionsPerChannel: 1, channels: 64 }],
      },
    ]);
    model.dispose();
  });

  it('lists the eight hidden convs of NiN, as the authors probe them', () => {
    const { model, metadata } = buildModel({
      architecture: 'nin',
      inputShape: [28, 28, 1],
      numClasses: 10,
    });
    expect(metadata.neurons.map((n) => n.layer)).toEqual([
      'block1_conva',
      'block1_convb',
      'block1_convc',
      'block2_conva',
      'block2_convb',
      'block2_convc',
      'block3_conva',
      'block3_convb',
    ]);
    expect(metadata.neurons.map((n) => n.width)).toEqual([192, 160, 96, 192, 192, 192, 192, 192]);
    model.dispose();
  });

  it('follows BatchNorm and residual sums in a ResNet', () => {
    const { model, metadata } = buildModel({
      architecture: 'resnet18',
      inputShape: [16, 16, 3],
      numClasses: 10,
      width: 0.125,
    });
    const byName = new Map(metadata.neurons.map((n) => [n.layer, n]));
    const conv2 = byName.get('stage2_block1_conv2')!;
    expect(conv2.preActivation).toBe('stage2_block1_bn2');
    expect(conv2.batchNorm).toBe('stage2_block1_bn2');
    expect(conv2.postActivation).toBe('stage2_block1_act2');
    // The block output is read by the next block's first conv and, through that block's
    // identity shortcut and sum, by both convs of stage 3's first block.
    expect(conv2.consumers.map((c) => c.layer).sort()).toEqual(
      ['stage2_block2_conv1', 'stage3_block1_conv1', 'stage3_block1_shortcut'].sort(),
    );
    const shortcut = byName.get('stage2_block1_shortcut')!;
    expect(shortcut.batchNorm).toBe('stage2_block1_shortcut_bn');
    expect(metadata.neurons).toHaveLength(1 + 8 * 2 + 3);
    model.dispose();
  });

  it('rejects a conv that fuses its activation', () => {
    const input = tfl.input({ shape: [8, 8, 1] });
    const hidden = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'fused' })
      .apply(input);
    const flat = tfl.layers.flatten().apply(hidden);
    const output = tfl.layers.dense({ units: 2 }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    // A hidden conv with a fused activation is named, not skipped (it used to return []
    // silently, and NONE then found nothing); with an activation layer after it as well.
    expect(() => describeNeurons(model)).toThrow(
      /layer fused fuses activation 'relu'.*prepareUserModel/,
    );
    const act = tfl.layers.reLU().apply(hidden);
    const out2 = tfl.layers
      .dense({ units: 2 })
      .apply(tfl.layers.flatten().apply(act)) as tfl.SymbolicTensor;
    const model2 = tfl.model({ inputs: input, outputs: out2 });
    expect(() => describeNeurons(model2)).toThrow(/fuses activation 'relu'/);
    model2.dispose(); // shares (and disposes) the layers of the first model
  });
});
