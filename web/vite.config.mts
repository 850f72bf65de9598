// The web console's build (decision 1000): web/ → dist/console, served by functions/console.ts under /console/.
// JSX goes through esbuild's automatic runtime for Preact (no Babel preset needed).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // MSAL is loaded only in Entra mode (a dynamic import), so it is a chunk of its own.
    chunkSizeWarningLimit: 400,
  },
});
