import { describe, expect, it } from 'vitest';
import { STEP_IDS } from '../../../../shared/publish/model';
import { certificationPlacement, goLiveStepIds, newStep, publishStepIds, simulatedMs, STEP_CATALOG } from '../../../../shared/publish/rules/steps';

describe('certificationPlacement (spec 3.1, A8)', () => {
  it('runs certification after sign-off for SaaS and Azure applications only', () => {
    expect(certificationPlacement('microsoft-saas')).toBe('afterSignoff');
    expect(certificationPlacement('microsoft-azure-applications')).toBe('afterSignoff');
    expect(certificationPlacement('microsoft-azure-virtualmachines')).toBe('beforePreview');
    expect(certificationPlacement('microsoft-dynamics365-ce')).toBe('beforePreview');
    expect(certificationPlacement('')).toBe('beforePreview');
  });
});

describe('publishStepIds', () => {
  it('SaaS with a lead destination: validation, packages, leads, preview, sign-off (no certification)', () => {
    expect(publishStepIds({ offerTypeId: 'microsoft-saas', hasLeadDestination: true })).toEqual([
      'displaydummycertify',
      'package-validation',
      'lead-management-validation',
      'preview-creation',
      'publisher-signoff',
    ]);
  });

  it('a VM without lead destination certifies before the preview and sends no test lead', () => {
    expect(publishStepIds({ offerTypeId: 'microsoft-azure-virtualmachines', hasLeadDestination: false })).toEqual([
      'displaydummycertify',
      'package-validation',
      'displaycertify',
      'preview-creation',
      'publisher-signoff',
    ]);
  });
});

describe('goLiveStepIds', () => {
  it('certifies inside the go-live for SaaS', () => {
    expect(goLiveStepIds('microsoft-saas')).toEqual(['displaycertify', 'final-publish', 'live']);
    expect(goLiveStepIds('microsoft-azure-applications')).toEqual(['displaycertify', 'final-publish', 'live']);
  });
  it('has only the publish steps for the other types', () => {
    expect(goLiveStepIds('microsoft-dynamics365-operations')).toEqual(['final-publish', 'live']);
  });
});

describe('newStep', () => {
  it('starts not started, empty, at 0 %, with the catalog entry', () => {
    expect(newStep('displaycertify')).toEqual({
      id: 'displaycertify',
      stepName: 'Certification',
      description: 'The offer is certified against the marketplace policies.',
      estimatedTimeFrame: '~2-3 days',
      estimatedSeconds: 172_800,
      phase: 'certification',
      status: 'notStarted',
      messages: [],
      progressPercentage: 0,
    });
  });

  it('has a catalog entry for every step id, with the seed estimates', () => {
    expect(Object.keys(STEP_CATALOG).sort()).toEqual([...STEP_IDS].sort());
    expect(STEP_IDS.map((id) => STEP_CATALOG[id].estimatedSeconds)).toEqual([900, 900, 900, 172_800, 3_600, 0, 1_800, 14_400, 10_800]);
    expect(STEP_IDS.map((id) => STEP_CATALOG[id].phase)).toEqual([
      'automatedValidation',
      'automatedValidation',
      'automatedValidation',
      'certification',
      'preview',
      'signoff',
      'publish',
      'publish',
      'publish',
    ]);
    expect(STEP_CATALOG.displaydummycertify.stepName).toBe('Validate Pre-Requisites');
    expect(STEP_CATALOG['publisher-signoff'].stepName).toBe('Publisher signoff');
    expect(STEP_CATALOG.live.estimatedTimeFrame).toBe('4-6 hours');
    expect(STEP_CATALOG['stop-distribution'].stepName).toBe('Stop distribution');
  });
});

describe('simulatedMs (decision 0601)', () => {
  it('is the documented seconds times the scale, in ms', () => {
    expect(simulatedMs(900, 1)).toBe(900_000);
    expect(simulatedMs(900, 0.001)).toBe(900);
    expect(simulatedMs(172_800, 0.5)).toBe(86_400_000);
    expect(simulatedMs(3, 0.3333)).toBe(1000);
  });
  it('is 0 at scale 0, for a negative scale and for steps without a duration', () => {
    expect(simulatedMs(900, 0)).toBe(0);
    expect(simulatedMs(900, -1)).toBe(0);
    expect(simulatedMs(900, Number.NaN)).toBe(0);
    expect(simulatedMs(0, 1)).toBe(0);
    expect(simulatedMs(-5, 1)).toBe(0);
    expect(simulatedMs(-1, 0.0001)).toBe(0); // rounds to -0: still 0
    expect(simulatedMs(Number.NaN, 1)).toBe(0);
  });
  it('counts a one-second step at the smallest positive scale', () => {
    expect(simulatedMs(1, 0.001)).toBe(1);
  });
});
