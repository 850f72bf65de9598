/** How a refused PUT or upload reads to the publisher (specs/publish.md 2.4; spec 4.E 47). */
import { describe, expect, it } from 'vitest';
import { invalid, notProcessable, unsupportedFileType } from '../../../../shared/catalog/rules/errors';
import { violation } from '../../../../shared/catalog/rules/violations';

const duplicate = violation(['definition', 'plans', 1, 'planId'], 'DuplicatePlanId', 'must be unique within the offer');
const tooLong = violation(['definition', 'offer', 'title'], 'FieldTooLong', 'must be at most 50 characters');
const unknown = violation(['definition', 'offer', 'foo'], 'UnknownProperty', 'is not a known property of this offer type');

describe('400 for an invalid offer', () => {
  it("takes the first violation's code and field, as the spec's test cases name them (4.B 22)", () => {
    const error = invalid('The offer definition is not valid.', [duplicate]);
    expect(error).toMatchObject({
      kind: 'invalid',
      code: 'DuplicatePlanId',
      target: '$.definition.plans[1].planId',
      violations: [duplicate],
      message: 'The offer definition is not valid. $.definition.plans[1].planId must be unique within the offer.',
    });
  });

  it('lists every violation in the details and counts the others in the message', () => {
    const error = invalid('The offer definition is not valid.', [tooLong, duplicate, unknown]);
    expect(error.code).toBe('FieldTooLong');
    expect(error.violations).toEqual([tooLong, duplicate, unknown]);
    expect(error.message).toBe('The offer definition is not valid. $.definition.offer.title must be at most 50 characters (and 2 more).');
  });

  it('says "1 more" for two violations', () => {
    expect(invalid('Bad.', [tooLong, duplicate]).message).toBe('Bad. $.definition.offer.title must be at most 50 characters (and 1 more).');
  });

  it('is a plain BadArgument when there is nothing to name', () => {
    const error = invalid('The request body is not valid.', []);
    expect(error).toMatchObject({ code: 'BadArgument', target: undefined, violations: [], message: 'The request body is not valid.' });
  });

  it('takes a violation without a code as BadArgument, naming its field', () => {
    const error = invalid('The request is not valid.', [{ path: 'api-version', message: 'is required' }]);
    expect(error).toMatchObject({ code: 'BadArgument', target: 'api-version', message: 'The request is not valid. api-version is required.' });
  });
});

describe('422 for a draft that breaks a rule of the whole', () => {
  it('carries the given code and summarizes the violations', () => {
    const error = notProcessable('The offer cannot be published.', 'ValidationFailed', [duplicate, unknown]);
    expect(error).toMatchObject({
      kind: 'unprocessable',
      code: 'ValidationFailed',
      violations: [duplicate, unknown],
      message: 'The offer cannot be published. $.definition.plans[1].planId must be unique within the offer (and 1 more).',
    });
  });

  it('keeps the message as given without violations', () => {
    expect(notProcessable('The artifact is not ready.', 'ArtifactNotReady', []).message).toBe('The artifact is not ready.');
  });
});

describe('415 for an artifact file name of the wrong kind (4.E 47)', () => {
  it('names the extensions that fit the kind', () => {
    const error = unsupportedFileType('package', ['.zip', '.nupkg']);
    expect(error).toMatchObject({
      kind: 'unsupported-media-type',
      code: 'UnsupportedMediaType',
      message: 'A package file name must end with .zip or .nupkg.',
      violations: [{ path: 'fileName', code: 'UnsupportedMediaType', message: 'must end with .zip or .nupkg' }],
    });
  });
});
