/**
 * `npm run lint` runs this: no import cycles anywhere in the Worker, its templates or the
 * build scripts (ARCHITECTURE.md, "Boundaries"), and the Worker never imports build-time code.
 */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "Modules import in one direction only.", from: {}, to: { circular: true } },
    {
      name: "worker-not-scripts",
      severity: "error",
      comment: "The Worker bundle never includes build-time code (gray-matter, marked, sanitize-html live in scripts/).",
      from: { path: "^(src|templates)/" },
      to: { path: "^scripts/" },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/generated/" },
  },
};
