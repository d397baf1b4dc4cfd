import { fileURLToPath } from 'node:url';

/**
 * Folder of the tiny random-weight fixture models shipped with @subnetkit/core
 * (tiny-bert, tiny-gpt2, tiny-clip, tiny-swin2sr, tiny-patchtst, tiny-patchtsmixer).
 * Outputs are deterministic but meaningless: they make tests and the offline localnet run real inference.
 */
// src/models/ and dist/models/ both sit two levels below the package root.
export const FIXTURE_MODELS_DIR: string = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));
