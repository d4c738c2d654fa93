// esbuild bundles the stylesheet (and the fonts it names) next to the script.
declare module '*.css';
