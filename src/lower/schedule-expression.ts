/**
 * Schedule expressions → EventBridge Scheduler expressions. The rules live in
 * the IR, so that `dazzle check` (the linker) finds a bad expression at its
 * line and lowering converts exactly what the linker accepted.
 */
export { toAwsCron, toAwsRate, type Converted } from '../ir/schedule-expression.js';
