import { fileURLToPath } from 'node:url';

/** The demo plant shipped with the repo (LIF + site file). */
export const DEMO_LAYOUT = fileURLToPath(new URL('../layouts/demo-plant.lif.json', import.meta.url));
export const DEMO_SITE = fileURLToPath(new URL('../layouts/demo-plant.site.json', import.meta.url));

/**
 * The files the orchestrator reads for LAYOUT and SITE: unset LAYOUT means the demo layout, and then an
 * unset SITE the demo site; a LAYOUT of your own has no site unless SITE is set.
 */
export function plantPaths(
  layout: string | undefined,
  site: string | undefined,
): { readonly layoutPath: string; readonly sitePath: string | undefined } {
  if (layout === undefined) return { layoutPath: DEMO_LAYOUT, sitePath: site ?? DEMO_SITE };
  return { layoutPath: layout, sitePath: site };
}
