/**
 * The label schema lives in the domain (src/lib/domain/labels.ts); this re-export keeps the
 * generator's (and older branches') imports working.
 */
export * from '../../src/lib/domain/labels';
