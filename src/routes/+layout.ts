// A static site: every page is prerendered; data comes from the workers at run time.
export const prerender = true;
export const ssr = true;
export const trailingSlash = 'never';
