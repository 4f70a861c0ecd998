import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@none/attacks/model public API', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "HIDDEN_TRIGGER_DEFAULTS",
        "HIDDEN_TRIGGER_PATCH_DEFAULTS",
        "LABEL_CONSISTENT_DEFAULTS",
        "NATURAL_TROJAN_BUDGETS",
        "PGD_DEFAULTS",
        "PGD_NORMS",
        "REVERSE_ENGINEER_DEFAULTS",
        "TRIGGER_SPLITS",
        "activationDistance",
        "adaptiveActivationLoss",
        "adaptiveAttackLoss",
        "adaptiveFineTune",
        "hiddenTriggerPoison",
        "labelConsistentPoison",
        "layerActivationLoss",
        "naturalTrojanScan",
        "pasteTriggerAtRandom",
        "pgdPerturb",
        "poisonClientDataset",
        "reverseEngineerTrigger",
        "splitTriggerForClients",
      ]
    `);
  });
});
