import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@none/attacks/model public API', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "LABEL_CONSISTENT_DEFAULTS",
        "NATURAL_TROJAN_BUDGETS",
        "PGD_DEFAULTS",
        "PGD_NORMS",
        "REVERSE_ENGINEER_DEFAULTS",
        "TRIGGER_SPLITS",
        "adaptiveActivationLoss",
        "adaptiveAttackLoss",
        "labelConsistentPoison",
        "layerActivationLoss",
        "naturalTrojanScan",
        "pgdPerturb",
        "poisonClientDataset",
        "reverseEngineerTrigger",
        "splitTriggerForClients",
      ]
    `);
  });
});
