// SPDX-License-Identifier: AGPL-3.0-or-later
// Vite build of the klientas web application. Output: web/dist (index.html +
// hashed, long-cacheable files under dist/assets). In development `npm run dev`
// proxies the API to a local `klientas serve` (KLIENTAS_URL, default :8080).
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const api = process.env.KLIENTAS_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [preact()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': { target: api },
    },
  },
});
