// Lint configuration: typescript-eslint's type-checked recommended rules, plus the one
// architectural rule of this extension: only src/extension.ts may import `vscode`, so that
// everything else runs (and is unit-tested) under plain Node.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["out/", "dist/", "node_modules/", "*.vsix"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/explicit-module-boundary-types": "error",
      eqeqeq: "error",
      curly: "error",
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "vscode", message: "Only src/extension.ts may import vscode." }],
          patterns: [
            {
              group: ["vscode-languageclient", "vscode-languageclient/*"],
              message: "Only src/extension.ts may import vscode-languageclient (it needs vscode).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/extension.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // node:test's describe/it return promises the runner itself awaits
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
  {
    files: ["eslint.config.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
