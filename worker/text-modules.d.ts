// Files bundled as text by the `[[rules]] type = "Text"` entry in wrangler.toml.
declare module '*.css' {
  const text: string;
  export default text;
}
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const text: string;
  export default text;
}
