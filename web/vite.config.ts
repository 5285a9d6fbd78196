import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Each page is its own chunk (React.lazy in src/routes.tsx); antd and the Cognito client are split out so
// the sign-in page and a page change fetch only what they use.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
});
