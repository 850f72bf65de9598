import { describe, expect, it } from 'vitest';
import { deprecatedLeadDestination, LEAD_DESTINATION_KEY } from '../../../../shared/catalog/rules/lead-destination';

describe('deprecatedLeadDestination', () => {
  it('refuses a draft that newly chooses AzureBlob, naming the field', () => {
    expect(LEAD_DESTINATION_KEY).toBe('microsoft-azure-marketplace.leadDestination');
    const expected = [
      {
        path: '$.definition.offer["microsoft-azure-marketplace.leadDestination"]',
        code: 'destination_deprecated',
        message:
          'Azure Blob lead destinations are deprecated and no longer receive leads; choose AzureTable, HttpsEndpoint, Dynamics, Marketo or Salesforce',
      },
    ];
    expect(deprecatedLeadDestination({ [LEAD_DESTINATION_KEY]: 'AzureBlob' }, undefined)).toEqual(expected);
    expect(deprecatedLeadDestination({ [LEAD_DESTINATION_KEY]: 'AzureBlob' }, { [LEAD_DESTINATION_KEY]: 'AzureTable' })).toEqual(expected);
    expect(deprecatedLeadDestination({ [LEAD_DESTINATION_KEY]: 'AzureBlob' }, {})).toEqual(expected);
  });

  it('keeps a legacy Blob destination the previous draft already had', () => {
    expect(deprecatedLeadDestination({ [LEAD_DESTINATION_KEY]: 'AzureBlob' }, { [LEAD_DESTINATION_KEY]: 'AzureBlob' })).toEqual([]);
  });

  it('accepts every other destination and none', () => {
    for (const type of ['None', 'AzureTable', 'HttpsEndpoint', 'Dynamics', 'Marketo', 'Salesforce'])
      expect(deprecatedLeadDestination({ [LEAD_DESTINATION_KEY]: type }, { [LEAD_DESTINATION_KEY]: 'AzureBlob' })).toEqual([]);
    expect(deprecatedLeadDestination({}, undefined)).toEqual([]);
    expect(deprecatedLeadDestination({ [LEAD_DESTINATION_KEY]: 'azureblob' }, undefined)).toEqual([]);
  });
});
