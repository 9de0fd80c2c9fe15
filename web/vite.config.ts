import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server (src/api/web.routes.ts) serves web/dist; `npm run dev:web` proxies /api to it.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
