/**
 * CI: what a run of dazzle in GitHub Actions reports (from the JSON of check,
 * plan, preflight and diff to the job summary, the pull request comment, the
 * outputs and the verdict), and the workflow `deploy ci init` writes. A stage
 * beside synth: pure functions; only `cli` reads files, the environment and
 * GitHub.
 */
export { readReport, REPORT_COMMANDS, type CheckReport, type CiReports, type DiagnosticJson, type PreflightSarif, type ReportKind, type SarifFinding } from './inputs.js';
export { ciFailures, ciOutputs, ciReport, commentMarker, COMMENT_LIMIT, diagnosticAnnotations, DIFF_GATES, SUMMARY_LIMIT, type CiContext, type CiOutputs, type CiResult, type DiffGate } from './report.js';
export { renderWorkflow, workflowEnvironment, type WorkflowEnvironment, type WorkflowOptions } from './workflow.js';
export { deployRoleTemplate, type RoleEnvironment, type RoleTemplateOptions } from './aws-role.js';
